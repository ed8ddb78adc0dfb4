/** One change of an allowlist entry as its change record keeps it (docs/audit.md, Allowlist Entry Changed). */
import type { AllowlistEntry } from './allowlist-entry';

/** `version`: the entry's version after the change (a delete counts as one); `before`/`after` null when none. */
export interface EntryChange {
  entryId: string;
  actor: string;
  at: string;
  version: number;
  before: AllowlistEntry | null;
  after: AllowlistEntry | null;
}

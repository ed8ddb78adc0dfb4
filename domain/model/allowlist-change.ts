/**
 * A proposed change of an allowlist entry under the two-person rule (docs/allowlist-as-code.md, The two-person rule):
 * made by one admin, applied only when another approves it, against the version it was proposed on.
 */
import type { FieldDiff } from '../rules/entry-diff';
import type { AllowlistEntryInput } from './allowlist-entry';

export type AllowlistChangeStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

/** What the proposal would do to live grants (the impact preview's answer). */
export interface ChangeImpact {
  kept: string[];
  rematched: { id: string; entryId: string }[];
  ended: { id: string; status: 'REJECTED' | 'REVOKED'; reason: string }[];
}

export interface AllowlistChange {
  id: string;
  entryId: string;
  action: 'put' | 'delete';
  /** The entry to put; null for a delete. */
  body: AllowlistEntryInput | null;
  /** The acting identity that proposed it, and the person key it counts as. */
  proposedBy: string;
  proposedByPerson: string;
  proposedAt: string;
  /** The entry's version when proposed (null: no entry yet); approval applies only while it is still at it. */
  baseVersion: number | null;
  status: AllowlistChangeStatus;
  diff: FieldDiff[];
  impact: ChangeImpact;
  /** Who approved or rejected it, and when; null while PENDING. */
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}

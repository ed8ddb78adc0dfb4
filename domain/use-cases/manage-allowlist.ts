/** Admin-only management of allowlist entries. Cross-field rules live here; shapes are checked at the edge. */
import { EntryPreconditionFailedError, NotFoundError, ValidationError, type FieldIssue } from '../errors';
import type { AllowlistEntry, AllowlistEntryInput, EntryPrecondition } from '../model/allowlist-entry';
import type { AllowlistStore, Clock, GroupDirectory } from '../ports';
import { groupsOf } from '../rulebook/approval-steps';
import { approverIssues } from '../rulebook/approver-rules';
import { lintAllowlistEntry } from '../rulebook/entry-lint';
import type { Identity } from '../rulebook/identity';
import { MAX_DURATION_SECONDS, type BrokerSettings } from '../settings';
import type { RequireAdmin } from './require-admin';

export interface ManageAllowlistDeps {
  allowlist: AllowlistStore;
  clock: Clock;
  settings: BrokerSettings;
  requireAdmin: RequireAdmin;
  /** The identity store, when BROKER_IDENTITY_STORE_ID names one: approverGroups must name its groups. */
  groups: GroupDirectory | null;
}

/** Throws a ValidationError naming each approver group the identity store does not have (or that cannot be read). */
export async function checkGroupsExist(input: AllowlistEntryInput, groups: GroupDirectory | null): Promise<void> {
  const named = groupsOf(input);
  if (named.length === 0) return;
  if (groups === null) {
    throw ValidationError.field(
      'approverGroups',
      'needs an identity store: the broker has no BROKER_IDENTITY_STORE_ID',
    );
  }
  const unknown = await groups.unknownGroups(named);
  if (unknown.length === 0) return;
  const issues = unknown.map((g) => ({ path: 'approverGroups', message: `${g} is not a group of the identity store` }));
  throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

/**
 * Cross-field rules of an entry and the lint's errors (ValidationError naming each field), for a put and for a preview
 * of one; answers the lint's warnings.
 */
export function checkEntryInput(input: AllowlistEntryInput, settings: BrokerSettings): { warnings: string[] } {
  const issues: FieldIssue[] = [];
  if (!input.autoApprove && input.requiredApprovals < 1) {
    issues.push({ path: 'requiredApprovals', message: 'must be at least 1 unless autoApprove is true' });
  }
  issues.push(...approverIssues(input));
  if (input.maxDurationSeconds < settings.minDurationSeconds || input.maxDurationSeconds > MAX_DURATION_SECONDS) {
    issues.push({
      path: 'maxDurationSeconds',
      message: `must be from ${settings.minDurationSeconds} to ${MAX_DURATION_SECONDS}`,
    });
  }
  const lint = lintAllowlistEntry(input);
  issues.push(...lint.errors);
  if (issues.length > 0) throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
  return { warnings: lint.warnings };
}

/** Reads and writes of one entry race at most this often before the caller is told to read it again. */
const WRITE_ATTEMPTS = 3;

/** Throws when the stored entry (`current`, null when none) is not as `precondition` asks. */
export function checkPrecondition(id: string, current: AllowlistEntry | null, precondition: EntryPrecondition): void {
  if (precondition === null) return;
  if (precondition === 'absent') {
    if (current) throw new EntryPreconditionFailedError(id, `exists (version ${current.version})`);
    return;
  }
  if (!current) throw new EntryPreconditionFailedError(id, 'does not exist');
  if (precondition !== 'exists' && current.version !== precondition.version) {
    throw new EntryPreconditionFailedError(id, `is at version ${current.version}, not ${precondition.version}`);
  }
}

/** A stored entry with what the lint found legal but risky. */
export type LintedEntry = AllowlistEntry & { warnings: string[] };

export function makeManageAllowlist(deps: ManageAllowlistDeps) {
  const { allowlist, clock, settings } = deps;
  const requireAdmin = (caller: Identity) => deps.requireAdmin(caller, 'manage the allowlist');

  return {
    /**
     * Stores the entry; answers it with the lint's warnings (docs/adoption.md, Errors that help): legal, but worth a
     * second look.
     */
    async put(
      caller: Identity,
      id: string,
      input: AllowlistEntryInput,
      precondition: EntryPrecondition = null,
    ): Promise<LintedEntry> {
      await requireAdmin(caller);
      const lint = checkEntryInput(input, settings);
      await checkGroupsExist(input, deps.groups);
      for (let attempt = 1; ; attempt++) {
        const current = await allowlist.get(id);
        checkPrecondition(id, current, precondition);
        const entry: AllowlistEntry = {
          id,
          ...input,
          // A new entry goes on from the last version its id had (a deleted entry's): versions never repeat.
          version: (current?.version ?? (await allowlist.lastVersion(id))) + 1,
          updatedAt: clock.now().toISOString(),
          updatedBy: caller.arn,
        };
        // Conditioned on the version read: a change in between is read again, and the precondition judged again.
        if (await allowlist.put(entry, current)) return { ...entry, warnings: lint.warnings };
        if (attempt >= WRITE_ATTEMPTS) throw new EntryPreconditionFailedError(id, 'kept changing; read it again');
      }
    },

    async get(caller: Identity, id: string): Promise<AllowlistEntry> {
      await requireAdmin(caller);
      const entry = await allowlist.get(id);
      if (!entry) throw new NotFoundError(`allowlist entry ${id} not found`);
      return entry;
    },

    async list(caller: Identity): Promise<AllowlistEntry[]> {
      await requireAdmin(caller);
      return allowlist.list();
    },

    async delete(caller: Identity, id: string, precondition: EntryPrecondition = null): Promise<void> {
      await requireAdmin(caller);
      for (let attempt = 1; ; attempt++) {
        const current = await allowlist.get(id);
        checkPrecondition(id, current, precondition);
        if (!current) throw new NotFoundError(`allowlist entry ${id} not found`);
        if (await allowlist.delete(current, caller.arn, clock.now())) return;
        if (attempt >= WRITE_ATTEMPTS) throw new EntryPreconditionFailedError(id, 'kept changing; read it again');
      }
    },
  };
}

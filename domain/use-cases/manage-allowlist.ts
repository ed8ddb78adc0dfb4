/** Admin-only management of allowlist entries. Cross-field rules live here; shapes are checked at the edge. */
import { NotFoundError, ValidationError, type FieldIssue } from '../errors';
import type { AllowlistEntry, AllowlistEntryInput } from '../model/allowlist-entry';
import type { AllowlistStore, Clock } from '../ports';
import { requireAdmin as requireAdminRule } from '../rules/access';
import { lintAllowlistEntry } from '../rules/allowlist-lint';
import { MAX_DURATION_SECONDS, type BrokerSettings } from '../settings';

export interface ManageAllowlistDeps {
  allowlist: AllowlistStore;
  clock: Clock;
  settings: BrokerSettings;
}

/** A stored entry with what the lint found legal but risky. */
export type LintedEntry = AllowlistEntry & { warnings: string[] };

export function makeManageAllowlist({ allowlist, clock, settings }: ManageAllowlistDeps) {
  const requireAdmin = (caller: string) => requireAdminRule(settings, caller, 'manage the allowlist');

  return {
    /** Stores the entry; answers it with the lint's warnings (API §11.12): legal, but worth a second look. */
    async put(caller: string, id: string, input: AllowlistEntryInput): Promise<LintedEntry> {
      requireAdmin(caller);
      const issues: FieldIssue[] = [];
      if (!input.autoApprove && input.requiredApprovals < 1) {
        issues.push({ path: 'requiredApprovals', message: 'must be at least 1 unless autoApprove is true' });
      }
      if (!input.autoApprove && input.approvers.length === 0) {
        issues.push({ path: 'approvers', message: 'must name at least one approver unless autoApprove is true' });
      }
      if (input.maxDurationSeconds < settings.minDurationSeconds || input.maxDurationSeconds > MAX_DURATION_SECONDS) {
        issues.push({
          path: 'maxDurationSeconds',
          message: `must be from ${settings.minDurationSeconds} to ${MAX_DURATION_SECONDS}`,
        });
      }
      const lint = lintAllowlistEntry(input);
      issues.push(...lint.errors);
      if (issues.length > 0) throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
      const entry: AllowlistEntry = { id, ...input, updatedAt: clock.now().toISOString(), updatedBy: caller };
      await allowlist.put(entry);
      return { ...entry, warnings: lint.warnings };
    },

    async get(caller: string, id: string): Promise<AllowlistEntry> {
      requireAdmin(caller);
      const entry = await allowlist.get(id);
      if (!entry) throw new NotFoundError(`allowlist entry ${id} not found`);
      return entry;
    },

    async list(caller: string): Promise<AllowlistEntry[]> {
      requireAdmin(caller);
      return allowlist.list();
    },

    async delete(caller: string, id: string): Promise<void> {
      requireAdmin(caller);
      if (!(await allowlist.delete(id))) throw new NotFoundError(`allowlist entry ${id} not found`);
    },
  };
}

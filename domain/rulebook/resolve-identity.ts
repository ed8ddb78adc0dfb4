/**
 * Completes an identity with what the patterns in play need and the caller's ARN did not say: its role's path, read
 * from IAM (through the RoleDirectory port, which caches it for at most 5 minutes) only when some pattern names a path.
 * An unreadable role keeps an unknown path, which no path-naming pattern matches.
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { RoleDirectory } from '../ports';
import type { Identity } from './identity';
import { needsRolePath } from './principal-patterns';

export type ResolveIdentity = (who: Identity, patterns: readonly string[]) => Promise<Identity>;

export function makeResolveIdentity(roles: RoleDirectory): ResolveIdentity {
  return async (who, patterns) => {
    if (who.role === null || !needsRolePath(patterns, who)) return who;
    return { ...who, role: { ...who.role, path: await roles.pathOf(who.role) } };
  };
}

/** Every identity pattern of these entries (requesters and approvers), and any others given (BROKER_ADMINS). */
export function identityPatternsOf(
  entries: readonly (AllowlistEntry | null)[],
  others: readonly string[] = [],
): string[] {
  return [...others, ...entries.flatMap((e) => (e === null ? [] : [...e.requesters, ...e.approvers]))];
}

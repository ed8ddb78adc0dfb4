/**
 * Completes an identity with what the patterns in play need and the caller's ARN did not say: its role's path, read
 * from IAM (through the RoleDirectory port, which caches it for at most 5 minutes) only when some pattern names a path;
 * and the identity-store groups a person belongs to, read (GroupDirectory, cached at most 5 minutes) only when some
 * pattern names a group. An unreadable role keeps an unknown path, which no path-naming pattern matches; an identity
 * that is not a person (a role, a user, an unlinked Slack user) belongs to no group.
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { GroupDirectory, RoleDirectory } from '../ports';
import { approverPatternsOf } from './approval-steps';
import type { Identity } from './identity';
import { groupOfPattern, needsRolePath } from './principal-patterns';

export type ResolveIdentity = (who: Identity, patterns: readonly string[]) => Promise<Identity>;

/** A person's key is its username; roles, users and Slack users are keyed by ARN or `slack:` id. */
function isPersonKey(person: string): boolean {
  return !person.includes(':');
}

export function makeResolveIdentity(roles: RoleDirectory, groups: GroupDirectory | null = null): ResolveIdentity {
  async function withPath(who: Identity, patterns: readonly string[]): Promise<Identity> {
    if (who.role === null || !needsRolePath(patterns, who)) return who;
    return { ...who, role: { ...who.role, path: await roles.pathOf(who.role) } };
  }

  async function withGroups(who: Identity, patterns: readonly string[]): Promise<Identity> {
    const named = [...new Set(patterns.map(groupOfPattern).filter((g): g is string => g !== null))];
    if (named.length === 0) return who;
    const member = groups !== null && isPersonKey(who.person) ? await groups.groupsOf(who.person, named) : new Set();
    return { ...who, groups: member as ReadonlySet<string> };
  }

  return async (who, patterns) => withGroups(await withPath(who, patterns), patterns);
}

/** Every identity pattern of these entries (requesters and approvers in any step), and any others (BROKER_ADMINS). */
export function identityPatternsOf(
  entries: readonly (AllowlistEntry | null)[],
  others: readonly string[] = [],
): string[] {
  return [...others, ...entries.flatMap((e) => (e === null ? [] : [...e.requesters, ...approverPatternsOf(e)]))];
}

/**
 * The patterns that decide who may ask (each entry's requesters): a requester is resolved against these only, so an
 * ask never reads the requester's groups, which decide nothing about it.
 */
export function requesterPatternsOf(entries: readonly AllowlistEntry[]): string[] {
  return entries.flatMap((e) => e.requesters);
}

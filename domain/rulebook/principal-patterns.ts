/**
 * Whether a pattern of `requesters`, `approvers` or BROKER_ADMINS names an identity (docs/api.md, Who is calling). The
 * one place that matches principals: every rule that asks "is this caller one of these?" comes here.
 * - A pattern is matched against the identity's own names: a Slack user's `slack:<id>`, a user's ARN, a session's
 *   assumed-role ARN, and its role's ARN.
 * - **A pattern that names a role path** (a second `/`, as in `…:role/payments/*`) matches the role's ARN with its path
 *   as IAM holds it, read with GetRole; while that path is unknown (not read, or unreadable) it names nobody.
 * - Any other pattern matches the role's ARN without its path (`…:role/orders-*` names `orders-ci` in any path). Such
 *   an ARN holds exactly one `/`, so a pattern with a second literal `/` could never match it: no pattern is ever read
 *   as wider than its text.
 * - **A group pattern** `group:<display name>` (an entry's `approverGroups`) names the members of that IAM Identity
 *   Center group, as resolve-identity.ts read them; nobody else.
 */
import { hasWildcard, matchesPattern } from '../rules/pattern';
import { fullRoleArnOf, roleArnOf, type Identity, type RoleName } from './identity';

/** A pattern with two or more `/` names a role path: it matches a role only together with its path. */
export function namesRolePath(pattern: string): boolean {
  return pattern.indexOf('/') !== pattern.lastIndexOf('/');
}

function sessionArnOf(role: RoleName, session: string): string {
  return `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${session}`;
}

/** How an identity-store group stands among the patterns in play. */
const GROUP_PATTERN_PREFIX = 'group:';

export function groupPattern(displayName: string): string {
  return `${GROUP_PATTERN_PREFIX}${displayName}`;
}

/** The group a group pattern names; null for any other pattern. */
export function groupOfPattern(pattern: string): string | null {
  return pattern.startsWith(GROUP_PATTERN_PREFIX) ? pattern.slice(GROUP_PATTERN_PREFIX.length) : null;
}

function namedBy(pattern: string, who: Identity): boolean {
  const group = groupOfPattern(pattern);
  if (group !== null) return who.groups?.has(group) === true;
  if (who.slack !== null && matchesPattern(pattern, who.slack)) return true;
  if (who.user !== null && matchesPattern(pattern, who.user)) return true;
  if (who.role === null) return false;
  if (who.session !== null && matchesPattern(pattern, sessionArnOf(who.role, who.session))) return true;
  if (!namesRolePath(pattern)) return matchesPattern(pattern, roleArnOf(who.role));
  const full = fullRoleArnOf(who.role);
  return full !== null && matchesPattern(pattern, full);
}

/** Whether some pattern names `who`. */
export function namedByAny(patterns: readonly string[], who: Identity): boolean {
  return patterns.some((pattern) => namedBy(pattern, who));
}

/**
 * Could this path-naming pattern name a role of `role`'s partition and account? Only a literal field that differs says
 * no (an `sts` ARN, another account's id): then the role's path need not be read for it. Fields after a wildcard
 * may have moved, so they say nothing.
 */
function mayNameRoleOf(pattern: string, role: RoleName): boolean {
  const fields = pattern.split(':');
  const expected = ['arn', role.partition, 'iam', '', role.account];
  for (const [i, value] of expected.entries()) {
    const field = fields[i];
    if (field === undefined || hasWildcard(field)) return true;
    if (field !== value) return false;
  }
  return true;
}

/** Whether deciding on these patterns needs `who`'s role path, which is not known yet. */
export function needsRolePath(patterns: readonly string[], who: Identity): boolean {
  const role = who.role;
  if (role === null || role.path !== null) return false;
  return patterns.some((pattern) => namesRolePath(pattern) && mayNameRoleOf(pattern, role));
}

/** The role name Identity Center gives every permission set's role. */
const IDENTITY_CENTER_ROLE = /(?:^|[:/])AWSReservedSSO_/;
/** The path Identity Center puts its roles under, and that nobody else can use. */
export const IDENTITY_CENTER_PATH = '/aws-reserved/sso.amazonaws.com/';

/** An Identity Center role name without the path that proves Identity Center made it (allowlist lint). */
export function isUnprovenIdentityCenterPattern(pattern: string): boolean {
  return IDENTITY_CENTER_ROLE.test(pattern) && !pattern.includes(`:role${IDENTITY_CENTER_PATH}`);
}

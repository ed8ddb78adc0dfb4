/**
 * Who is who (API §11.6). A principal is a person (the assumed-role ARN of a person role's session), a role or user
 * ARN, or `slack:<user id>`; a Slack user linked with BROKER_SLACK_USERS is whoever its link names.
 * - Patterns (`requesters`, `approvers`, BROKER_ADMINS) match a person by its assumed-role ARN or by its role ARN.
 * - Role paths are ignored on both sides: STS ARNs carry none, so a role is known by its name alone.
 * - Two principals are the same identity when they name the same person or role once links and paths are resolved;
 *   a role and a person of that role count as the same too, since the role alone cannot tell which person it is.
 */
import { ASSUMED_ROLE_ARN } from './arn';
import { matchesAny } from './pattern';

export type IdentityLinks = Readonly<Record<string, string>>;

/** `arn:P:iam::A:role/some/path/name` → `arn:P:iam::A:role/name`; patterns too. Anything else unchanged. */
export function withoutRolePath(arn: string): string {
  return arn.replace(/^(arn:[^:]*:iam::[^:]*:role\/)(?:.*\/)?([^/]*)$/, '$1$2');
}

/** A person's role: `arn:P:sts::A:assumed-role/R/S` → `arn:P:iam::A:role/R`; null for anything else. */
export function roleOfSession(principal: string): string | null {
  const assumed = ASSUMED_ROLE_ARN.exec(principal);
  if (!assumed) return null;
  const [, partition, account, role] = assumed as unknown as [string, string, string, string];
  return `arn:${partition}:iam::${account}:role/${role}`;
}

/** Whether some pattern names `principal`: by its own ARN or, for a person, by its role ARN (paths ignored). */
export function principalMatches(patterns: readonly string[], principal: string): boolean {
  if (patterns.length === 0) return false;
  const names = [withoutRolePath(principal)];
  const role = roleOfSession(principal);
  if (role) names.push(role);
  const stripped = patterns.map(withoutRolePath);
  return names.some((name) => matchesAny(stripped, name));
}

/** The identity behind a principal: a Slack user's link resolved, role paths dropped. */
export function identityOf(principal: string, links: IdentityLinks): string {
  return withoutRolePath(links[principal] ?? principal);
}

/** Same person or role, for self-approval and distinct approvers (a role and a session of it count as one). */
export function sameIdentity(a: string, b: string, links: IdentityLinks): boolean {
  const left = identityOf(a, links);
  const right = identityOf(b, links);
  return left === right || roleOfSession(left) === right || roleOfSession(right) === left;
}

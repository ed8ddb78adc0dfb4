/**
 * Who is calling (docs/api.md, Who is calling): one identity per caller, built once from what authenticated it.
 * - A **person** is a session of a role whose name BROKER_PERSON_ROLES matches (default `AWSReservedSSO_*`: IAM Identity
 *   Center permission sets). A person is its session name, in lower case (Identity Center sets it to the username): the
 *   same user under any permission set, in any account, is one person.
 * - Any other session acts as its role; an IAM user is its user ARN.
 * - A Slack user is `slack:<user id>`; linked in BROKER_SLACK_USERS to a person (`person:<username>`) or a role, it counts
 *   as that person or role for self-approval and the quorum, and matches `slack:` patterns only.
 * The role's path is not in an STS ARN: `rolePath` stays null until resolve-identity.ts reads it for a pattern that
 * names a path.
 */
import { ASSUMED_ROLE_ARN, IAM_IDENTITY_ARN } from '../rules/arn';
import { matchesAny } from '../rules/pattern';

/** An IAM role as patterns see it: its path is known only once read (null until then, and when unreadable). */
export interface RoleName {
  partition: string;
  account: string;
  name: string;
  /** `/` for a role without a path; null when not known. */
  path: string | null;
}

export interface Identity {
  /** What requests show: a person's session ARN, a role or user ARN, or `slack:<user id>`. */
  readonly arn: string;
  /**
   * Who it is for self-approval, the quorum and "my requests": a person's username in lower case; otherwise the role
   * ARN (no path) or user ARN; an unlinked Slack user is its `slack:<user id>`.
   */
  readonly person: string;
  /** The session name of an assumed role, kept for the audit trail. */
  readonly session: string | null;
  /** The role behind a role ARN or a session; null for users and Slack users. */
  readonly role: RoleName | null;
  /** An IAM user's ARN (its path included), or an account root's. */
  readonly user: string | null;
  /** A Slack user's `slack:<id>`. */
  readonly slack: string | null;
  /**
   * The identity-store groups (display names) the person is a member of, among those the patterns in play name;
   * absent until resolve-identity.ts reads them, and then a member of none.
   */
  readonly groups?: ReadonlySet<string>;
}

/** What turns an ARN or a Slack user into an identity: BrokerSettings carries both. */
export interface IdentityRules {
  /** Role-name patterns whose sessions are people (BROKER_PERSON_ROLES). */
  personRoles: readonly string[];
  /** `slack:<user id>` → a role or user ARN, a person's session ARN, or `person:<username>` (BROKER_SLACK_USERS). */
  identityLinks: Readonly<Record<string, string>>;
}

/** BROKER_PERSON_ROLES' default: the roles IAM Identity Center creates for permission sets. */
export const DEFAULT_PERSON_ROLES: readonly string[] = ['AWSReservedSSO_*'];
/** How BROKER_SLACK_USERS names a person rather than an ARN. */
export const PERSON_LINK_PREFIX = 'person:';

const ROLE_ARN = /^arn:([^:]+):iam::(\d{12}):role\/(?:(.*\/))?([^/]+)$/;

export function isPersonRole(roleName: string, personRoles: readonly string[]): boolean {
  return matchesAny(personRoles, roleName);
}

/** `arn:P:iam::A:role/name`, the path left out: how a role is known when its path is not. */
export function roleArnOf(role: Pick<RoleName, 'partition' | 'account' | 'name'>): string {
  return `arn:${role.partition}:iam::${role.account}:role/${role.name}`;
}

/** The role's ARN as IAM writes it, path included; null while the path is not known. */
export function fullRoleArnOf(role: RoleName): string | null {
  return role.path === null ? null : `arn:${role.partition}:iam::${role.account}:role${role.path}${role.name}`;
}

/** The identity of an authenticated IAM or STS ARN; null when it names nothing the broker can act for. */
export function identityFromArn(arn: string, rules: Pick<IdentityRules, 'personRoles'>): Identity | null {
  const assumed = ASSUMED_ROLE_ARN.exec(arn);
  if (assumed) {
    const [, partition, account, name, session] = assumed as unknown as [string, string, string, string, string];
    const role: RoleName = { partition, account, name, path: null };
    const person = isPersonRole(name, rules.personRoles);
    return {
      arn: person ? arn : roleArnOf(role),
      person: person ? session.toLowerCase() : roleArnOf(role),
      session,
      role,
      user: null,
      slack: null,
    };
  }
  if (!IAM_IDENTITY_ARN.test(arn)) return null;
  const role = ROLE_ARN.exec(arn);
  if (role) {
    const [, partition, account, path, name] = role as unknown as [string, string, string, string | undefined, string];
    const named: RoleName = { partition, account, name, path: path === undefined ? null : `/${path}` };
    return { arn, person: roleArnOf(named), session: null, role: named, user: null, slack: null };
  }
  return { arn, person: arn, session: null, role: null, user: arn, slack: null };
}

/** Who a link in BROKER_SLACK_USERS counts as: a person's username, or the ARN's identity; null when malformed. */
export function personOfLink(link: string, rules: Pick<IdentityRules, 'personRoles'>): string | null {
  if (link.startsWith(PERSON_LINK_PREFIX)) {
    const username = link.slice(PERSON_LINK_PREFIX.length);
    return /^[\w+=,.@-]{1,64}$/.test(username) ? username.toLowerCase() : null;
  }
  return identityFromArn(link, rules)?.person ?? null;
}

/** A Slack user who clicked or typed, after its signature was checked. */
export function identityOfSlackUser(userId: string, rules: IdentityRules): Identity {
  const slack = `slack:${userId}`;
  const link = rules.identityLinks[slack];
  const person = (link === undefined ? null : personOfLink(link, rules)) ?? slack;
  return { arn: slack, person, session: null, role: null, user: null, slack };
}

/**
 * The identity behind an ARN or `slack:<id>` the broker already holds (a stored `requester` or `approvals[].approver`,
 * a configured admin), as the rules and links are now.
 */
export function identityOf(arn: string, rules: IdentityRules): Identity {
  if (arn.startsWith('slack:')) return identityOfSlackUser(arn.slice('slack:'.length), rules);
  // Stored values came from an identity; anything else (hand-edited data) is a name that matches nothing.
  return identityFromArn(arn, rules) ?? { arn, person: arn, session: null, role: null, user: null, slack: null };
}

/**
 * Who a Slack user acts as when it asks for a grant itself (`/lpb`, docs/slack.md, A requester's day in Slack): the
 * identity its BROKER_SLACK_USERS link names, or null when it is not linked. A link to an ARN acts as that ARN's
 * identity, exactly as if it had called the REST API; a link to a person (`person:<username>`) has no ARN to act as,
 * so it acts as `slack:<id>` counting as that person (allowlist `requesters` name it by `slack:` patterns).
 */
export function requesterOfSlackUser(userId: string, rules: IdentityRules): Identity | null {
  const link = rules.identityLinks[`slack:${userId}`];
  if (link === undefined) return null;
  if (link.startsWith(PERSON_LINK_PREFIX)) return identityOfSlackUser(userId, rules);
  return identityFromArn(link, rules);
}

/**
 * The Slack users to tell about a request (its requester's direct messages): the requester itself when it asked from
 * Slack, and every linked Slack user who counts as the requester's person. In the order the links are listed.
 */
export function slackUsersOfRequester(
  request: { requester: string; requesterPerson: string },
  rules: IdentityRules,
): string[] {
  const users = new Set<string>();
  if (request.requester.startsWith('slack:')) users.add(request.requester.slice('slack:'.length));
  for (const [slack, link] of Object.entries(rules.identityLinks)) {
    if (personOfLink(link, rules) === request.requesterPerson) users.add(slack.slice('slack:'.length));
  }
  return [...users];
}

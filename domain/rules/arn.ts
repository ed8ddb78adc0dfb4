/**
 * AWS identifiers in one place: account ids, partitions, Regions, the IAM and STS ARN forms the broker reads, and
 * ARN parsing (`arn:partition:service:region:account:resource`, the resource may itself contain colons). Other
 * modules compose their checks from these, so a rule about accounts or partitions changes here only.
 */

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(value: string): Arn | null {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (!partition || !service || !resource) return null;
  return { partition, service, region, account, resource };
}

/** Regular expression sources, for patterns that embed an account or a partition (Lambda function ARNs). */
export const ARN_SOURCES = {
  account: '\\d{12}',
  /** aws, aws-cn, aws-us-gov, aws-iso-b, …: never hard-code `aws`. */
  partition: 'aws[a-z-]*',
  region: '[a-z]{2}(?:-[a-z]+)+-\\d{1,2}',
} as const;

/** IAM path and name characters (a regular expression source for one character). */
export const IAM_NAME = '[\\w+=,.@/-]';
const ROLE_OR_USER = `(?:role|user)/${IAM_NAME}{1,512}`;
/** Sources above hold no top-level `|`, so anchoring needs no group (and the OpenAPI document shows `^\d{12}$`). */
const whole = (source: string) => new RegExp(`^${source}$`);
const iam = (resource: string) =>
  new RegExp(`^arn:(${ARN_SOURCES.partition}):iam::(${ARN_SOURCES.account}):(?:${resource})$`);

export const ACCOUNT_ID = whole(ARN_SOURCES.account);
export const PARTITION = whole(ARN_SOURCES.partition);
export const REGION = whole(ARN_SOURCES.region);

/** An account's root principal: how Lambda stores an account id it was given. Groups: 1 partition, 2 account. */
export const ACCOUNT_ROOT_ARN = iam('root');
/** An account's root principal in a partition (Lambda writes it in the function's partition). */
export function accountRootArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:root`;
}

/** A principal or caller: an account root, a role or a user. Groups: 1 partition, 2 account. */
export const IAM_IDENTITY_ARN = iam(`root|${ROLE_OR_USER}`);
/** A person or workload that can be linked to a Slack user: a role or a user. Groups as above. */
export const IAM_ROLE_OR_USER_ARN = iam(ROLE_OR_USER);
/** An STS session of an assumed role. Groups: 1 partition, 2 account, 3 role name, 4 session name. */
export const ASSUMED_ROLE_ARN = new RegExp(
  `^arn:(${ARN_SOURCES.partition}):sts::(${ARN_SOURCES.account}):assumed-role/([\\w+=,.@-]{1,64})/([\\w+=,.@-]{1,64})$`,
);
/**
 * An IAM or STS ARN pattern in one account (the admins list): `*` and `?` only after the account, so that a
 * permission set's role (`…:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*`) can be named.
 */
export const IAM_OR_STS_ARN_PATTERN = new RegExp(
  `^arn:${ARN_SOURCES.partition}:(?:iam|sts)::${ARN_SOURCES.account}:[\\w+=,.@/*?-]+$`,
);

/**
 * Characters no AWS resource name or ARN holds: anything outside printable ASCII (whitespace and controls
 * included), and `` ` < > | " \ ``. Refusing them keeps requester-chosen ARNs from carrying Slack markup (code
 * fences, `<!channel>`, `<url|text>`) or escaping tricks into messages, logs and policies (issue #15, finding 5).
 */
const FOREIGN_TO_ARNS = /[^\x21-\x7e]|[`<>|"\\]/u;

/** The first character of `value` that no ARN can hold, described for an error message; null when there is none. */
export function foreignArnCharacter(value: string): string | null {
  const found = FOREIGN_TO_ARNS.exec(value)?.[0];
  if (found === undefined) return null;
  const code = found.codePointAt(0) as number;
  return code > 0x20 && code < 0x7f ? `"${found}"` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Allowlist lint (docs/adoption.md, Errors that help): what an entry says that can never match is refused, naming the
 * field; what is legal but risky is answered as a warning. Pure: the entry in, errors and warnings out.
 *
 * Refused: a `functions` pattern that no Lambda function ARN can match (patterns match the unqualified ARN
 * `arn:<partition>:lambda:<region>:<account>:function:<name>`, so `order-*` or `…:function:f:live` never do);
 * `requiredApprovals` above the number of distinct approvers when none of them is a pattern (the quorum could never be
 * reached). Warned: a `*` in `principals`, `requesters` or `functions` that reaches every account; `autoApprove` with a
 * requester pattern (whoever matches it gets grants without anyone looking); a `requesters` or `approvers` pattern that
 * names a role path (each new caller's role is read with IAM GetRole); an Identity Center role name without Identity
 * Center's path (anyone who may create roles can make a role with that name; the path proves Identity Center made it).
 */
import type { FieldIssue } from '../errors';
import type { AllowlistEntryInput } from '../model/allowlist-entry';
import { IAM_NAME } from '../rules/arn';
import { hasWildcard, matchesPattern } from '../rules/pattern';
import { anyNumber, canMatchSome, exactly, oneOrMore, repeat, type Shape } from '../rules/pattern-reach';
import { IDENTITY_CENTER_PATH, isUnprovenIdentityCenterPattern, namesRolePath } from './principal-patterns';

export interface AllowlistLint {
  errors: FieldIssue[];
  /** Each starts with the field's path, e.g. `principals.0: …`. */
  warnings: string[];
}

const PARTITION = [...exactly('aws'), anyNumber(/[a-z-]/)];
const account = (id: string | null) => (id === null ? repeat(/\d/, 12) : exactly(id));
/** `arn:<partition>:<service>:<region>:<account>:`; IAM and STS ARNs have no Region. */
const arnHead = (service: string, regional: boolean, id: string | null): Shape => [
  ...exactly('arn:'),
  ...PARTITION,
  ...exactly(`:${service}:`),
  ...(regional ? oneOrMore(/[a-z0-9-]/) : []),
  ...exactly(':'),
  ...account(id),
  ...exactly(':'),
];
const iamName = oneOrMore(new RegExp(IAM_NAME));

/** An unqualified function ARN, in one account or (null) any. */
const functionArn = (id: string | null): Shape => [
  ...arnHead('lambda', true, id),
  ...exactly('function:'),
  ...oneOrMore(/[A-Za-z0-9_-]/),
];
const principalsIn = (id: string): Shape[] => [
  account(id),
  [...arnHead('iam', false, id), ...exactly('root')],
  [...arnHead('iam', false, id), ...exactly('role/'), ...iamName],
  [...arnHead('iam', false, id), ...exactly('user/'), ...iamName],
];
/** Callers: roles and users, and persons as their assumed-role session (docs/api.md, Who is calling). */
const requestersIn = (id: string): Shape[] => [
  ...principalsIn(id).slice(2),
  [...arnHead('sts', false, id), ...exactly('assumed-role/'), ...oneOrMore(/[\w+=,.@-]/), ...exactly('/'), ...iamName],
];
const functionsIn = (id: string): Shape[] => [functionArn(id)];

/** Two accounts that share no digit in any position: a pattern matching in both leaves the account open. */
const FAR_APART = ['000000000000', '999999999999'];
function reachesEveryAccount(pattern: string, shapesIn: (id: string) => Shape[]): boolean {
  return FAR_APART.every((id) => shapesIn(id).some((shape) => canMatchSome(pattern, shape)));
}

const OPEN_FIELDS = [
  { field: 'principals', shapesIn: principalsIn, what: 'principals' },
  { field: 'requesters', shapesIn: requestersIn, what: 'callers' },
  { field: 'functions', shapesIn: functionsIn, what: 'functions' },
] as const;

export function lintAllowlistEntry(entry: AllowlistEntryInput): AllowlistLint {
  const errors: FieldIssue[] = [];
  const warnings: string[] = [];

  entry.functions.forEach((pattern, i) => {
    if (!canMatchSome(pattern, functionArn(null))) {
      errors.push({
        path: `functions.${i}`,
        message:
          'can never match: function patterns match the unqualified function ARN, arn:<partition>:lambda:<region>:<account>:function:<name>',
      });
    }
  });

  const approvers = new Set(entry.approvers);
  if (
    !entry.autoApprove &&
    approvers.size > 0 &&
    entry.requiredApprovals > approvers.size &&
    ![...approvers].some(hasWildcard)
  ) {
    errors.push({
      path: 'requiredApprovals',
      message: `is ${entry.requiredApprovals}, but only ${approvers.size} distinct approver(s) are named and none is a pattern: the quorum can never be reached`,
    });
  }

  for (const { field, shapesIn, what } of OPEN_FIELDS) {
    entry[field].forEach((pattern, i) => {
      if (reachesEveryAccount(pattern, shapesIn)) {
        const open = field === 'principals' && matchesPattern(pattern, '*') ? ', and the public principal *' : '';
        warnings.push(`${field}.${i}: "${pattern}" matches ${what} in every account${open}`);
      }
    });
  }
  for (const field of ['requesters', 'approvers'] as const) {
    entry[field].forEach((pattern, i) => warnings.push(...identityPatternWarnings(`${field}.${i}`, pattern)));
  }
  if (entry.autoApprove) {
    entry.requesters.forEach((pattern, i) => {
      if (hasWildcard(pattern)) {
        warnings.push(
          `requesters.${i}: autoApprove is on, so every caller matching "${pattern}" gets grants without an approval`,
        );
      }
    });
  }
  return { errors, warnings };
}

/** What a `requesters` or `approvers` pattern costs or risks. */
function identityPatternWarnings(path: string, pattern: string): string[] {
  const warnings: string[] = [];
  if (isUnprovenIdentityCenterPattern(pattern)) {
    warnings.push(
      `${path}: "${pattern}" names an Identity Center role without its path ${IDENTITY_CENTER_PATH}: anyone who may create roles can make a role with that name; write the role ARN with the path (arn:<partition>:iam::<account>:role${IDENTITY_CENTER_PATH}AWSReservedSSO_…)`,
    );
  }
  if (!pattern.startsWith('slack:') && namesRolePath(pattern) && !/:sts::/.test(pattern)) {
    warnings.push(
      `${path}: "${pattern}" names a role path: the broker reads each new caller's role with IAM GetRole (cached for 5 minutes) to match it`,
    );
  }
  return warnings;
}

/**
 * Normalises an authenticated caller ARN (API §2, §11.6). An assumed-role session whose role name matches one of the
 * person-role patterns (BROKER_PERSON_ROLES, default `AWSReservedSSO_*`: IAM Identity Center permission sets) is a
 * person: its identity is the full assumed-role ARN, so two sessions of one role are two people. Any other session
 * (CI, services) acts as its role, as in v1.
 */
import { ASSUMED_ROLE_ARN, IAM_IDENTITY_ARN } from './arn';
import { matchesAny } from './pattern';

export interface Caller {
  /** The identity used for every rule: a person's assumed-role ARN, a role/user ARN, or `slack:<user id>`. */
  principal: string;
  /** Session name of an assumed role, kept for the audit trail only. */
  session: string | null;
}

/** BROKER_PERSON_ROLES' default: the roles IAM Identity Center creates for permission sets. */
export const DEFAULT_PERSON_ROLES: readonly string[] = ['AWSReservedSSO_*'];

/** Returns null when the value is not an IAM identity ARN we can act on. */
export function callerFromArn(arn: string, personRoles: readonly string[]): Caller | null {
  const assumed = ASSUMED_ROLE_ARN.exec(arn);
  if (assumed) {
    const [, partition, account, role, session] = assumed as unknown as [string, string, string, string, string];
    if (matchesAny(personRoles, role)) return { principal: arn, session };
    return { principal: `arn:${partition}:iam::${account}:role/${role}`, session };
  }
  if (IAM_IDENTITY_ARN.test(arn)) return { principal: arn, session: null };
  return null;
}

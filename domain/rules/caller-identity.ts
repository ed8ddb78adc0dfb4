/** Normalises an authenticated caller ARN: an assumed-role session acts as its role. */
import { ASSUMED_ROLE_ARN, IAM_IDENTITY_ARN } from './arn';

export interface Caller {
  /** The identity used for every rule: a role/user ARN, or `slack:<user id>`. */
  principal: string;
  /** Session name of an assumed role, kept for the audit trail only. */
  session: string | null;
}

/** Returns null when the value is not an IAM identity ARN we can act on. */
export function callerFromArn(arn: string): Caller | null {
  const assumed = ASSUMED_ROLE_ARN.exec(arn);
  if (assumed) {
    const [, partition, account, role, session] = assumed as unknown as [string, string, string, string, string];
    return { principal: `arn:${partition}:iam::${account}:role/${role}`, session };
  }
  if (IAM_IDENTITY_ARN.test(arn)) return { principal: arn, session: null };
  return null;
}

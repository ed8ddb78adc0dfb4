/** Normalises an authenticated caller ARN: an assumed-role session acts as its role. */

export interface Caller {
  /** The identity used for every rule: a role/user ARN, or `slack:<user id>`. */
  principal: string;
  /** Session name of an assumed role, kept for the audit trail only. */
  session: string | null;
}

const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{1,64})$/;
const IAM_IDENTITY = /^arn:aws[a-z-]*:iam::\d{12}:(root|user\/[\w+=,.@/-]{1,512}|role\/[\w+=,.@/-]{1,512})$/;

/** Returns null when the value is not an IAM identity ARN we can act on. */
export function callerFromArn(arn: string): Caller | null {
  const assumed = ASSUMED_ROLE.exec(arn);
  if (assumed) {
    const [, partition, account, role, session] = assumed as unknown as [string, string, string, string, string];
    return { principal: `arn:${partition}:iam::${account}:role/${role}`, session };
  }
  if (IAM_IDENTITY.test(arn)) return { principal: arn, session: null };
  return null;
}

export function slackCaller(userId: string): Caller {
  return { principal: `slack:${userId}`, session: null };
}

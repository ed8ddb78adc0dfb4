/** What the use cases need to know about this broker deployment; composed once from configuration. */

export interface BrokerSettings {
  accountId: string;
  /** The accounts the broker may act in at all (BROKER_TARGET_ACCOUNTS; default: its own). */
  targetAccounts: readonly string[];
  region: string;
  partition: string;
  sidPrefix: string;
  minDurationSeconds: number;
  pendingTimeoutSeconds: number;
  /** How many PENDING requests (and extensions) one requester (person) may have at once. */
  maxPendingPerRequester: number;
  /** Lambda control-plane calls per second per account the broker allows itself (BROKER_LAMBDA_RPS). */
  lambdaRps: number;
  /** Patterns of the identities with admin rights (BROKER_ADMINS). */
  admins: readonly string[];
  /** How many other admins approve an allowlist change (BROKER_ALLOWLIST_CHANGE_APPROVALS); absent: 0, none. */
  allowlistChangeApprovals?: number;
  /** Patterns of who may read the audit trail besides the admins (BROKER_AUDITORS); absent: nobody else. */
  auditors?: readonly string[];
  /** Role-name patterns whose sessions are people (BROKER_PERSON_ROLES). */
  personRoles: readonly string[];
  /** `slack:U…` → the person (`person:<username>`) or ARN a Slack user counts as (BROKER_SLACK_USERS). */
  identityLinks: Readonly<Record<string, string>>;
}

/** AWS caps nothing here, but the contract does: no grant lives longer than 31 days. */
export const MAX_DURATION_SECONDS = 31 * 24 * 3600;
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

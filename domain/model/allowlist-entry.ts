/** An org rule: who may ask for which grant on which functions, who approves, and for how long. */

export interface AllowlistEntry {
  id: string;
  description: string | null;
  /** Patterns over the unqualified function ARN. */
  functions: string[];
  principals: string[];
  sourceArns: string[];
  eventSourceArns: string[];
  principalOrgIds: string[];
  /** Accounts that may own the source; `null` means only the broker's own account. */
  sourceAccounts: string[] | null;
  requesters: string[];
  approvers: string[];
  requiredApprovals: number;
  maxDurationSeconds: number;
  autoApprove: boolean;
  slackChannel: string | null;
  /**
   * How many times one grant may be extended (docs/api.md, `POST /v1/requests/{id}/extend`); absent in entries stored
   * before: the default.
   */
  maxExtensions?: number;
  /**
   * Whether the source an ask names must be shown to exist (docs/policy-preview.md, Source proof); absent in entries
   * stored before: `warn`.
   */
  sourceProof?: 'require' | 'warn' | 'off';
  /**
   * IAM Identity Center groups (display names) whose members approve too (docs/api.md, Approvers from the identity
   * provider); absent in entries stored before: none.
   */
  approverGroups?: string[];
  /**
   * Approval in steps, every one of which must reach its count (docs/api.md, Approval steps); absent or empty: the
   * top-level approvers and quorum.
   */
  approvalSteps?: ApprovalStep[];
  /** How far ahead a request's `startsAt` may be; absent in entries stored before: the default. */
  maxStartDelaySeconds?: number;
  /** 1 when created, one more at each change (docs/allowlist-as-code.md, Versions and conditional writes). */
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** One kind of approval a request needs: its own approvers, groups and count. */
export interface ApprovalStep {
  name: string;
  approvers: string[];
  approverGroups: string[];
  requiredApprovals: number;
  slackChannel: string | null;
}

export type AllowlistEntryInput = Omit<AllowlistEntry, 'id' | 'version' | 'updatedAt' | 'updatedBy'>;

/**
 * What a conditional write asks of the stored entry (HTTP `If-Match` / `If-None-Match`): `version` a number, it must
 * be stored at that version; `exists`, it must be stored; `absent`, it must not be.
 */
export type EntryPrecondition = { version: number } | 'exists' | 'absent' | null;

/** An entry's `maxExtensions` when it names none. */
export const DEFAULT_MAX_EXTENSIONS = 3;

export type SourceProofMode = NonNullable<AllowlistEntry['sourceProof']>;
/** An entry's `sourceProof` when it names none: the approvers are warned, the ask is not refused. */
export const DEFAULT_SOURCE_PROOF: SourceProofMode = 'warn';

/** An entry's `maxStartDelaySeconds` when it names none: a week. */
export const DEFAULT_MAX_START_DELAY_SECONDS = 7 * 24 * 3600;

/** The grant request: what an app team asked for, its decisions, and its audit trail. */
import type { InvokeStatement, RoleStatement } from '../../policies/statement-types';
import type { PolicyPreview } from './policy-preview';

export const REQUEST_STATUSES = [
  'PENDING',
  'APPROVED',
  'ACTIVE',
  'EXPIRED',
  'REVOKED',
  'REJECTED',
  'CANCELLED',
  'TIMED_OUT',
  'FAILED',
  /**
   * An extension whose added time now belongs to the grant it extends (docs/api.md, `POST /v1/requests/{id}/extend`).
   */
  'EXTENDED',
  /** Approved, waiting for its `startsAt` (docs/api.md, A start time): nothing is applied yet. */
  'SCHEDULED',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export type RequestKind = 'invoke' | 'eventSourceMapping';

export const HISTORY_EVENTS = [
  'CREATED',
  'APPROVAL',
  'APPROVED',
  'REVOKE_REQUESTED',
  'ACTIVATED',
  'REJECTED',
  'CANCELLED',
  'REVOKED',
  'EXPIRED',
  'TIMED_OUT',
  'FAILED',
  'DRIFT',
  'EXTENDED',
  /** An allowlist change moved the request to another entry that permits it (docs/api.md, One rulebook). */
  'REMATCHED',
  'ADOPTED',
  /** The statement an adoption replaces changed after it was recorded: left in place, the broker's own kept too. */
  'ADOPTION_CONFLICT',
  /** AWS refused the removal for good (AccessDenied, say): it is tried again every 5 minutes, and shows as overdue. */
  'REMOVAL_BLOCKED',
  /** A blocked removal went through at last. */
  'REMOVAL_UNBLOCKED',
  /** Approved with a `startsAt` ahead: applied by the timers at that time. */
  'SCHEDULED',
] as const;
export type HistoryEventName = (typeof HISTORY_EVENTS)[number];

export interface HistoryEvent {
  at: string;
  event: HistoryEventName;
  actor: string;
  detail: Record<string, unknown>;
}

export interface Approval {
  /** The acting identity: a person's session ARN, a role or user ARN, or `slack:<user id>`. */
  approver: string;
  /** Who approved (docs/api.md, Who is calling): the person key, or the role or user ARN. */
  person: string;
  at: string;
  comment: string | null;
  /**
   * Whether it counts towards the quorum, as of the last decision: eligible then, not the requester, one per person.
   */
  counted: boolean;
  /** The approval step it counts in (docs/api.md, Approval steps); null for an entry without steps. */
  step: string | null;
}

/** How far one approval step has come, as of the last decision. */
export interface StepProgress {
  name: string;
  requiredApprovals: number;
  counted: number;
}

export interface Failure {
  reason: string;
  at: string;
}

/**
 * Written on an ACTIVE request before its permission is removed on request (revoke): if the broker stops between
 * this write and the removal, the sweep sees the marker and finishes the job.
 */
export interface Ending {
  as: 'REVOKED';
  requestedAt: string;
  actor: string;
  reason: string | null;
}

/** What every request carries, whatever its kind. */
export interface GrantRequestFields {
  id: string;
  status: RequestStatus;
  /** The acting identity that asked: a person's session ARN, a role or user ARN. */
  requester: string;
  /** Who asked, as self-approval, the quorum and "my requests" compare it: the person key, or the role or user ARN. */
  requesterPerson: string;
  /** Session name of an assumed-role caller, kept for the audit trail only. */
  requesterSession: string | null;
  functionArn: string;
  qualifier: string | null;
  principal: string | null;
  sourceArn: string | null;
  sourceAccount: string | null;
  principalOrgId: string | null;
  batchSize: number | null;
  durationSeconds: number;
  reason: string;
  ticket: string | null;
  /**
   * The entry that permitted the grant; null for an adopted statement that no entry permits (docs/adoption.md, Adopt).
   */
  allowlistEntryId: string | null;
  statementId: string;
  statementHash: string;
  requiredApprovals: number;
  approvals: Approval[];
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
  expiresAt: string | null;
  endedAt: string | null;
  failure: Failure | null;
  eventSourceMappingUuid: string | null;
  /** Event source grants: the role that received the read permissions (kept so removal needs no lookup). */
  executionRoleArn: string | null;
  ending: Ending | null;
  /** When AWS first refused to remove this grant for good; null while nothing blocks its removal. */
  removalBlockedSince: string | null;
  /** When a blocked removal is tried next (every 5 minutes); null while nothing blocks it. */
  removalRetryAt: string | null;
  history: HistoryEvent[];
  /**
   * The ACTIVE grant this request extends (docs/api.md, `POST /v1/requests/{id}/extend`); null for a grant of its own.
   */
  extends: string | null;
  /** Ids of the requests that extend this one, in the order they were made. */
  extensions: string[];
  /**
   * The function's policy as it will be with this grant (docs/policy-preview.md); null for requests that add no
   * statement of their own (an extension, an adoption) and those stored before previews.
   */
  policyPreview: PolicyPreview | null;
  /** What the approvers should know before deciding (source proof, Access Analyzer); each starts with its field. */
  warnings: string[];
  /** When the grant is to start (docs/api.md, A start time); null: as soon as it is approved. */
  startsAt: string | null;
  /** Each approval step's progress, for an entry with steps; null otherwise. */
  approvalSteps: StepProgress[] | null;
  /** Optimistic-lock counter: every stored transition increments it. */
  version: number;
}

/** A statement in the function's resource policy (AddPermission). */
export interface InvokeGrantRequest extends GrantRequestFields {
  kind: 'invoke';
  eventSourceArn: null;
  statement: InvokeStatement;
}

/** Read access for the function's execution role and an event source mapping (SQS, Kinesis, DynamoDB streams). */
export interface MappingGrantRequest extends GrantRequestFields {
  kind: 'eventSourceMapping';
  eventSourceArn: string;
  statement: RoleStatement;
}

export type GrantRequest = InvokeGrantRequest | MappingGrantRequest;

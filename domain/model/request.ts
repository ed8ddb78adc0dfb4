/** The grant request: what an app team asked for, its decisions, and its audit trail. */
import type { InvokeStatement, RoleStatement } from '../../policies/statement-types';

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
  'ADOPTED',
] as const;
export type HistoryEventName = (typeof HISTORY_EVENTS)[number];

export interface HistoryEvent {
  at: string;
  event: HistoryEventName;
  actor: string;
  detail: Record<string, unknown>;
}

export interface Approval {
  approver: string;
  at: string;
  comment: string | null;
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
  requester: string;
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
  /** The entry that permitted the grant; null for an adopted statement that no entry permits (API §11.11). */
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
  history: HistoryEvent[];
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

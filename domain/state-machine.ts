/**
 * The request lifecycle (docs/api.md, The lifecycle of a request): one table of legal moves and one function that
 * performs them.
 */
import { IllegalTransitionError } from './errors';
import type { GrantRequest, HistoryEventName, RequestStatus } from './model/request';

const MOVES: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  PENDING: ['APPROVED', 'REJECTED', 'CANCELLED', 'TIMED_OUT'],
  // REVOKED: an allowlist change ended it before it was applied (docs/api.md, One rulebook).
  APPROVED: ['ACTIVE', 'FAILED', 'EXTENDED', 'REVOKED', 'SCHEDULED'],
  ACTIVE: ['EXPIRED', 'REVOKED'],
  // Waiting for its start: applied then (ACTIVE, or FAILED), ended before with nothing applied, or past its window.
  SCHEDULED: ['ACTIVE', 'FAILED', 'CANCELLED', 'REVOKED', 'EXPIRED'],
  EXPIRED: [],
  REVOKED: [],
  REJECTED: [],
  CANCELLED: [],
  TIMED_OUT: [],
  FAILED: [],
  EXTENDED: [],
};

const EVENT_OF: Readonly<Record<RequestStatus, HistoryEventName>> = {
  PENDING: 'CREATED',
  APPROVED: 'APPROVED',
  ACTIVE: 'ACTIVATED',
  EXPIRED: 'EXPIRED',
  REVOKED: 'REVOKED',
  REJECTED: 'REJECTED',
  CANCELLED: 'CANCELLED',
  TIMED_OUT: 'TIMED_OUT',
  FAILED: 'FAILED',
  EXTENDED: 'EXTENDED',
  SCHEDULED: 'SCHEDULED',
};

export function isTerminal(status: RequestStatus): boolean {
  return MOVES[status].length === 0;
}

export function canMove(from: RequestStatus, to: RequestStatus): boolean {
  return MOVES[from].includes(to);
}

export interface MoveContext {
  at: Date;
  actor: string;
  detail?: Record<string, unknown>;
  /** Fields that change together with the status (activation times, failure, mapping id). */
  patch?: Partial<
    Pick<
      GrantRequest,
      | 'activatedAt'
      | 'expiresAt'
      | 'failure'
      | 'eventSourceMappingUuid'
      | 'executionRoleArn'
      | 'approvals'
      | 'ending'
      | 'removalBlockedSince'
      | 'removalRetryAt'
    >
  >;
}

/**
 * Returns the request in its new status with one history event appended; throws IllegalTransitionError on an illegal
 * move.
 */
export function move(request: GrantRequest, to: RequestStatus, context: MoveContext): GrantRequest {
  if (!canMove(request.status, to)) {
    throw new IllegalTransitionError(request.id, request.status, to);
  }
  const at = context.at.toISOString();
  return {
    ...request,
    ...context.patch,
    status: to,
    updatedAt: at,
    endedAt: isTerminal(to) ? at : request.endedAt,
    history: [...request.history, { at, event: EVENT_OF[to], actor: context.actor, detail: context.detail ?? {} }],
  };
}

/**
 * Appends an event that does not change the status (an approval short of the quorum, a revoke marker, drift, an
 * extension moving the end, a move to another allowlist entry, a mapping re-created by reconcile).
 */
export function note(
  request: GrantRequest,
  event: HistoryEventName,
  context: Omit<MoveContext, 'patch'> & {
    patch?: Partial<
      Pick<
        GrantRequest,
        | 'approvals'
        | 'requiredApprovals'
        | 'approvalSteps'
        | 'ending'
        | 'expiresAt'
        | 'allowlistEntryId'
        | 'eventSourceMappingUuid'
        | 'removalBlockedSince'
        | 'removalRetryAt'
      >
    >;
  },
): GrantRequest {
  const at = context.at.toISOString();
  return {
    ...request,
    ...context.patch,
    updatedAt: at,
    history: [...request.history, { at, event, actor: context.actor, detail: context.detail ?? {} }],
  };
}

/**
 * The quorum is reached (or the entry approves by itself): APPROVED, and on to SCHEDULED when the request starts later
 * (docs/api.md, A start time), its end then fixed at `startsAt + durationSeconds`.
 */
export function approve(request: GrantRequest, context: Omit<MoveContext, 'patch'>): GrantRequest {
  const approved = move(request, 'APPROVED', context);
  if (request.startsAt === null || Date.parse(request.startsAt) <= context.at.getTime()) return approved;
  const expiresAt = new Date(Date.parse(request.startsAt) + request.durationSeconds * 1000).toISOString();
  return move(approved, 'SCHEDULED', {
    at: context.at,
    actor: context.actor,
    detail: { startsAt: request.startsAt, expiresAt },
    patch: { expiresAt },
  });
}

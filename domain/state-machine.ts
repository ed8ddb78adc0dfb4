/**
 * The request lifecycle (docs/api.md, The lifecycle of a request): one table of legal moves and one function that
 * performs them.
 */
import { IllegalTransitionError } from './errors';
import type { GrantRequest, HistoryEventName, RequestStatus } from './model/request';

const MOVES: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  PENDING: ['APPROVED', 'REJECTED', 'CANCELLED', 'TIMED_OUT'],
  // REVOKED: an allowlist change ended it before it was applied (docs/api.md, One rulebook).
  APPROVED: ['ACTIVE', 'FAILED', 'EXTENDED', 'REVOKED'],
  ACTIVE: ['EXPIRED', 'REVOKED'],
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

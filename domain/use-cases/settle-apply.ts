/**
 * An APPROVED grant's apply, within a settle (settle-request.ts): the operator's answer (or its error) becomes ACTIVE
 * or FAILED, recorded only while the request is still APPROVED. What AWS refuses for good ends FAILED at once; what
 * it keeps refusing for a while ends FAILED after APPLY_GIVE_UP_MS; a grant that ended while it was applied has what
 * was just added taken away again.
 */
import { failureOf } from '../failure';
import type { ApplyResult, GrantOperator } from '../grants/grant-operator';
import { approvedAt } from '../model/approved-at';
import type { GrantRequest } from '../model/request';
import type { Clock } from '../ports';
import { adoptedStatementId } from '../rules/adoption';
import { isTerminal, move, note } from '../state-machine';
import type { RecordOutcome } from './record-outcome';
import { BROKER_ACTOR, retryLater, settled, type SettleOutcome } from './settle-outcome';

/** An APPROVED grant that AWS keeps refusing transiently for this long ends FAILED instead of waiting forever. */
export const APPLY_GIVE_UP_MS = 30 * 60 * 1000;

export function makeSettleApply(deps: { operator: GrantOperator; clock: Clock; record: RecordOutcome }) {
  const { operator, clock, record } = deps;

  /** What the operator's answer, or its error, means for an APPROVED grant now. */
  async function applied(request: GrantRequest, now: Date): Promise<ApplyResult> {
    try {
      // An adoption also removes the statement it replaces, once its own is in place.
      return await (request.kind === 'invoke' && adoptedStatementId(request) !== null
        ? operator.adopt(request)
        : operator.apply(request, now));
    } catch (error) {
      const failure = failureOf(error);
      if (failure.permanent) return { outcome: 'refused', reason: failure.reason };
      if (now.getTime() - approvedAt(request) > APPLY_GIVE_UP_MS) {
        return {
          outcome: 'refused',
          reason: `not applied within ${APPLY_GIVE_UP_MS / 60_000} minutes: ${failure.reason}`,
        };
      }
      throw error;
    }
  }

  /** The request after the result: ACTIVE (with an adoption's conflict noted) or FAILED. */
  function outcomeOf(current: GrantRequest, result: Exclude<ApplyResult, { outcome: 'wait' }>, at: Date) {
    if (result.outcome === 'refused') {
      return move(current, 'FAILED', {
        at,
        actor: BROKER_ACTOR,
        patch: { failure: { reason: result.reason, at: at.toISOString() } },
        detail: { reason: result.reason },
      });
    }
    const active = move(current, 'ACTIVE', {
      at,
      actor: BROKER_ACTOR,
      patch: {
        activatedAt: at.toISOString(),
        // A scheduled grant keeps the end its start fixed.
        expiresAt:
          current.status === 'SCHEDULED' && current.expiresAt !== null
            ? current.expiresAt
            : new Date(at.getTime() + current.durationSeconds * 1000).toISOString(),
        eventSourceMappingUuid: result.eventSourceMappingUuid,
        executionRoleArn: result.executionRoleArn,
      },
      detail: result.eventSourceMappingUuid ? { eventSourceMappingUuid: result.eventSourceMappingUuid } : {},
    });
    // An adoption that left the replaced statement alone (it changed since it was recorded) says so in the history.
    const conflict = result.adoptionConflict;
    return conflict ? note(active, 'ADOPTION_CONFLICT', { at, actor: BROKER_ACTOR, detail: conflict }) : active;
  }

  /** A scheduled grant whose whole window passed before it could start (the broker was down): nothing is applied. */
  async function expireUnstarted(request: GrantRequest): Promise<SettleOutcome> {
    const at = clock.now();
    const recorded = await record(
      request,
      (current) => move(current, 'EXPIRED', { at, actor: BROKER_ACTOR, detail: { applied: false } }),
      (current) => current.status === 'SCHEDULED',
    );
    return settled(recorded.request, recorded.written ? 'EXPIRED' : null);
  }

  return async function apply(request: GrantRequest): Promise<SettleOutcome> {
    if (
      request.status === 'SCHEDULED' &&
      request.expiresAt !== null &&
      request.expiresAt <= clock.now().toISOString()
    ) {
      return expireUnstarted(request);
    }
    const result = await applied(request, clock.now());
    if (result.outcome === 'wait') return retryLater(clock, request, result.retryAfterMs, result.reason);
    const at = clock.now();
    const recorded = await record(
      request,
      (current) => outcomeOf(current, result, at),
      (current) => current.status === 'APPROVED' || current.status === 'SCHEDULED',
    );
    if (recorded.written) return settled(recorded.request, result.outcome === 'applied' ? 'ACTIVE' : 'FAILED');
    if (result.outcome === 'applied' && isTerminal(recorded.request.status)) {
      // Ended while we applied (an allowlist change, say): what we just added must not stay.
      await operator.remove({ ...recorded.request, ...result });
    }
    return settled(recorded.request);
  };
}

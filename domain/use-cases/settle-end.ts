/**
 * A due ACTIVE grant's end, within a settle (settle-request.ts): its permission removed, then EXPIRED or REVOKED
 * recorded while it is still due. A removal is never given up, and never hidden: refused for good (failure.ts says),
 * the grant gets REMOVAL_BLOCKED once, is tried again every BLOCKED_REMOVAL_RETRY_MS and shows as overdue until a
 * removal goes through (REMOVAL_UNBLOCKED, then EXPIRED or REVOKED as it would have ended). A grant extended in the
 * instant it was removed gets its permission back.
 */
import { failureOf, type Failure } from '../failure';
import type { GrantOperator } from '../grants/grant-operator';
import type { GrantRequest } from '../model/request';
import type { Clock } from '../ports';
import { dueWork } from '../rules/due-work';
import { move, note } from '../state-machine';
import type { RecordOutcome } from './record-outcome';
import { BROKER_ACTOR, retryLater, settled, type SettleOutcome } from './settle-outcome';

/** A removal AWS refused for good is tried again this often (a fixed SCP or spoke role is seen within it). */
export const BLOCKED_REMOVAL_RETRY_MS = 5 * 60 * 1000;
const TRANSIENT_RETRY_MS = 5_000;

/** The grant once its permission is gone: unblocked if it was blocked, then ended as it was due to end. */
function ended(current: GrantRequest, at: Date): GrantRequest {
  const unblocked =
    current.removalBlockedSince === null
      ? current
      : note(current, 'REMOVAL_UNBLOCKED', {
          at,
          actor: BROKER_ACTOR,
          detail: { blockedSince: current.removalBlockedSince },
          patch: { removalBlockedSince: null, removalRetryAt: null },
        });
  if (unblocked.ending) {
    const detail = unblocked.ending.reason ? { reason: unblocked.ending.reason } : {};
    return move(unblocked, 'REVOKED', { at, actor: unblocked.ending.actor, detail });
  }
  const lagSeconds = Math.max(0, (at.getTime() - Date.parse(unblocked.expiresAt ?? '')) / 1000);
  return move(unblocked, 'EXPIRED', { at, actor: BROKER_ACTOR, detail: { lagSeconds } });
}

export function makeSettleEnd(deps: { operator: GrantOperator; clock: Clock; record: RecordOutcome }) {
  const { operator, clock, record } = deps;

  /**
   * AWS refused the removal for good: say so once (REMOVAL_BLOCKED, with AWS's reason and code), and come back in
   * 5 minutes; the grant stays ACTIVE and shows as overdue meanwhile.
   */
  async function blocked(request: GrantRequest, failure: Failure & { permanent: true }): Promise<SettleOutcome> {
    const at = clock.now();
    const retryAt = new Date(at.getTime() + BLOCKED_REMOVAL_RETRY_MS).toISOString();
    const recorded = await record(
      request,
      (current) =>
        current.removalBlockedSince === null
          ? note(current, 'REMOVAL_BLOCKED', {
              at,
              actor: BROKER_ACTOR,
              detail: { reason: failure.reason, code: failure.code },
              patch: { removalBlockedSince: at.toISOString(), removalRetryAt: retryAt },
            })
          : { ...current, removalRetryAt: retryAt, updatedAt: at.toISOString() },
      (current) => dueWork(current, at) === 'end',
    );
    const reason = `the removal was refused: ${failure.reason}`;
    return retryLater(clock, recorded.request, BLOCKED_REMOVAL_RETRY_MS, reason);
  }

  return async function end(request: GrantRequest): Promise<SettleOutcome> {
    try {
      await operator.remove(request);
    } catch (error) {
      const failure = failureOf(error);
      if (failure.permanent) return blocked(request, failure);
      throw error;
    }
    const at = clock.now();
    const recorded = await record(
      request,
      (current) => ended(current, at),
      (current) => dueWork(current, at) === 'end',
    );
    if (recorded.written) return settled(recorded.request, recorded.request.status);
    if (recorded.request.status === 'ACTIVE') {
      // Extended in the instant we removed it: put the permission back for the new end.
      const restored = await operator.apply(recorded.request, at);
      if (restored.outcome !== 'applied') {
        return retryLater(clock, recorded.request, TRANSIENT_RETRY_MS, 'restoring an extended grant');
      }
    }
    return settled(recorded.request);
  };
}

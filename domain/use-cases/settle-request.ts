/**
 * Settle a request: do the AWS work it needs now (apply an APPROVED grant, remove a due ACTIVE one), then record the
 * outcome; an approved extension moves the end of the grant it extends instead (settle-extension.ts). This is the one
 * way in for work on grants, whoever asks: a queued work item, an answer that waits briefly after an approval or
 * revoke, the sweep, a timer.
 *
 * Input: the request id and a deadline for AWS calls. Output: `settled` (nothing is due now; `nextDueAt` says when
 * something will be) or `retry` (a transient wait: IAM propagation, throttling, the account's budget, another worker
 * holding the lease; `retryAt` says when to come back). Nothing here sleeps through a wait.
 * What AWS refuses for good (failure.ts decides, from the error) is never retried blindly: an apply ends FAILED at
 * once with the reason; a removal is never given up, and never hidden: the grant gets REMOVAL_BLOCKED once, is tried
 * again every 5 minutes, and shows as overdue until a removal goes through (REMOVAL_UNBLOCKED, then EXPIRED or
 * REVOKED as it would have ended). No permission outlives its grant unseen.
 * Crash safety: the outcome is written only after AWS did the work, and both directions are idempotent.
 */
import { failureOf, type Failure } from '../failure';
import type { ApplyResult, GrantOperator } from '../grants/grant-operator';
import { approvedAt } from '../model/approved-at';
import type { GrantRequest } from '../model/request';
import type { CallDeadlines, Clock, RequestStore, Sleep, WorkLeases } from '../ports';
import { adoptedStatementId } from '../rules/adoption';
import { dueWork } from '../rules/due-work';
import { isTerminal, move, note } from '../state-machine';
import { makeExclusive } from './leased';
import { updateWithRetry } from './retry-on-stale';
import { makeSettleExtension } from './settle-extension';
import { BROKER_ACTOR, retryLater, settled, type SettleOutcome } from './settle-outcome';

export { BROKER_ACTOR, type SettleOutcome } from './settle-outcome';

/** An APPROVED grant that AWS keeps refusing transiently for this long ends FAILED instead of waiting forever. */
export const APPLY_GIVE_UP_MS = 30 * 60 * 1000;
/** A removal AWS refused for good is tried again this often (a fixed SCP or spoke role is seen within it). */
export const BLOCKED_REMOVAL_RETRY_MS = 5 * 60 * 1000;
const LEASE_BUSY_RETRY_MS = 2_000;
const TRANSIENT_RETRY_MS = 5_000;
const WRITE_ATTEMPTS = 5;
/** How often an answer looks again while another worker settles its request. */
const WATCH_MS = 100;

export interface SettleDeps {
  store: RequestStore;
  operator: GrantOperator;
  leases: WorkLeases;
  deadlines: CallDeadlines;
  clock: Clock;
  sleep: Sleep;
  /** Who this process is; each settle holds its lease as `<holder>#<n>`, so two in one process exclude each other. */
  holder: string;
}

export function makeSettleRequest(deps: SettleDeps) {
  const { store, operator, deadlines, clock } = deps;
  const exclusive = makeExclusive(deps);
  const settleExtension = makeSettleExtension({ store, clock, exclusive });
  const retry = (request: GrantRequest, afterMs: number, reason: string, extra: { error?: unknown } = {}) =>
    retryLater(clock, request, afterMs, reason, extra);

  /** Writes `build(current)` while `stillMine(current)` says the outcome still applies; else leaves it as stored. */
  async function record(
    request: GrantRequest,
    build: (current: GrantRequest) => GrantRequest,
    stillMine: (current: GrantRequest) => boolean,
  ): Promise<{ request: GrantRequest; written: boolean }> {
    let written = false;
    const stored = await updateWithRetry(
      store,
      request.id,
      (current) => {
        written = stillMine(current);
        return written ? build(current) : current;
      },
      { known: request, attempts: WRITE_ATTEMPTS },
    );
    return { request: stored, written };
  }

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

  async function apply(request: GrantRequest): Promise<SettleOutcome> {
    const result = await applied(request, clock.now());
    if (result.outcome === 'wait') return retry(request, result.retryAfterMs, result.reason);
    const at = clock.now();
    // An adoption that left the replaced statement alone (it changed since it was recorded) says so in the history.
    const conflict = result.outcome === 'applied' ? result.adoptionConflict : undefined;
    const withConflict = (active: GrantRequest) =>
      conflict ? note(active, 'ADOPTION_CONFLICT', { at, actor: BROKER_ACTOR, detail: conflict }) : active;
    const build = (current: GrantRequest): GrantRequest =>
      result.outcome === 'applied'
        ? withConflict(
            move(current, 'ACTIVE', {
              at,
              actor: BROKER_ACTOR,
              patch: {
                activatedAt: at.toISOString(),
                expiresAt: new Date(at.getTime() + current.durationSeconds * 1000).toISOString(),
                eventSourceMappingUuid: result.eventSourceMappingUuid,
                executionRoleArn: result.executionRoleArn,
              },
              detail: result.eventSourceMappingUuid ? { eventSourceMappingUuid: result.eventSourceMappingUuid } : {},
            }),
          )
        : move(current, 'FAILED', {
            at,
            actor: BROKER_ACTOR,
            patch: { failure: { reason: result.reason, at: at.toISOString() } },
            detail: { reason: result.reason },
          });
    const recorded = await record(request, build, (current) => current.status === 'APPROVED');
    if (recorded.written) return settled(recorded.request, result.outcome === 'applied' ? 'ACTIVE' : 'FAILED');
    if (result.outcome === 'applied' && isTerminal(recorded.request.status)) {
      // Ended while we applied (an allowlist change, say): what we just added must not stay.
      await operator.remove({ ...recorded.request, ...result });
    }
    return settled(recorded.request);
  }

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
    return retry(recorded.request, BLOCKED_REMOVAL_RETRY_MS, `the removal was refused: ${failure.reason}`);
  }

  async function end(request: GrantRequest): Promise<SettleOutcome> {
    try {
      await operator.remove(request);
    } catch (error) {
      const failure = failureOf(error);
      if (failure.permanent) return blocked(request, failure);
      throw error;
    }
    const at = clock.now();
    const build = (current: GrantRequest): GrantRequest => {
      const unblocked =
        current.removalBlockedSince === null
          ? current
          : note(current, 'REMOVAL_UNBLOCKED', {
              at,
              actor: BROKER_ACTOR,
              detail: { blockedSince: current.removalBlockedSince },
              patch: { removalBlockedSince: null, removalRetryAt: null },
            });
      return unblocked.ending
        ? move(unblocked, 'REVOKED', {
            at,
            actor: unblocked.ending.actor,
            detail: unblocked.ending.reason ? { reason: unblocked.ending.reason } : {},
          })
        : move(unblocked, 'EXPIRED', {
            at,
            actor: BROKER_ACTOR,
            detail: { lagSeconds: Math.max(0, (at.getTime() - Date.parse(unblocked.expiresAt ?? '')) / 1000) },
          });
    };
    const recorded = await record(request, build, (current) => dueWork(current, at) === 'end');
    if (recorded.written) return settled(recorded.request, recorded.request.status);
    if (recorded.request.status === 'ACTIVE') {
      // Extended in the instant we removed it: put the permission back for the new end.
      const restored = await operator.apply(recorded.request, at);
      if (restored.outcome !== 'applied')
        return retry(recorded.request, TRANSIENT_RETRY_MS, 'restoring an extended grant');
    }
    return settled(recorded.request);
  }

  async function settleLeased(id: string, deadline: Date): Promise<SettleOutcome> {
    const current = await store.get(id);
    if (!current) return settled(null);
    const work = dueWork(current, clock.now());
    if (!work) return settled(current);
    try {
      if (work === 'extend') return await settleExtension(current, deadline);
      return await deadlines.within(deadline, () => (work === 'apply' ? apply(current) : end(current)));
    } catch (error) {
      const failure = failureOf(error);
      return retry(
        current,
        failure.permanent ? TRANSIENT_RETRY_MS : (failure.retryAfterMs ?? TRANSIENT_RETRY_MS),
        failure.reason,
        { error },
      );
    }
  }

  /** `known`: the request as the caller just stored it, which spares the first read. */
  async function settle(id: string, options: { deadline: Date; known?: GrantRequest }): Promise<SettleOutcome> {
    const first = options.known ?? (await store.get(id));
    if (!first) return settled(null);
    if (!dueWork(first, clock.now())) return settled(first);
    return exclusive(
      id,
      options.deadline,
      () => settleLeased(id, options.deadline),
      () => retryLater(clock, first, LEASE_BUSY_RETRY_MS, 'another worker is settling this request', { busy: true }),
    );
  }

  /**
   * Settles within `ms` for an answer that should show the outcome when it is quick: the request as stored at the
   * end, ACTIVE/REVOKED if done in time, else as decided (the queued work finishes it).
   */
  async function settleSoon(request: GrantRequest, ms: number): Promise<GrantRequest> {
    const deadline = new Date(clock.now().getTime() + ms);
    let latest = request;
    try {
      // Bounded by count as well as by the clock, which may stand still (tests).
      for (let attempt = 0; attempt <= ms / WATCH_MS; attempt++) {
        const outcome = await settle(request.id, { deadline, ...(attempt === 0 ? { known: request } : {}) });
        latest = outcome.request ?? latest;
        if (outcome.kind === 'settled' || !outcome.busy) return latest;
        // Another worker has it: watch for its outcome until our time is up.
        if (clock.now().getTime() + WATCH_MS >= deadline.getTime()) return latest;
        await deps.sleep(WATCH_MS);
      }
      return latest;
    } catch {
      // The decision is stored; the queued work and the sweep finish it.
      return (await store.get(request.id).catch(() => null)) ?? latest;
    }
  }

  /** Settles with `ms` for its AWS calls, from now by the broker's clock. */
  function settleWithin(id: string, ms: number): Promise<SettleOutcome> {
    return settle(id, { deadline: new Date(clock.now().getTime() + ms) });
  }

  return { settle, settleWithin, settleSoon, exclusive };
}

export type SettleRequest = ReturnType<typeof makeSettleRequest>;

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
 * once with the reason (settle-apply.ts); a removal is never given up, and never hidden (settle-end.ts). Here: the
 * lease (leased.ts), choosing the work that is due, and turning transient trouble into a retry.
 * Crash safety: the outcome is written only after AWS did the work, and both directions are idempotent.
 */
import { failureOf } from '../failure';
import type { GrantOperator } from '../grants/grant-operator';
import type { GrantRequest } from '../model/request';
import type { CallDeadlines, Clock, RequestStore, Sleep, WorkLeases } from '../ports';
import { dueWork } from '../rules/due-work';
import { makeExclusive } from './leased';
import { makeRecordOutcome } from './record-outcome';
import { makeSettleApply } from './settle-apply';
import { makeSettleEnd } from './settle-end';
import { makeSettleExtension } from './settle-extension';
import { retryLater, settled, type SettleOutcome } from './settle-outcome';

export { BROKER_ACTOR, type SettleOutcome } from './settle-outcome';
export { APPLY_GIVE_UP_MS } from './settle-apply';
export { BLOCKED_REMOVAL_RETRY_MS } from './settle-end';

const LEASE_BUSY_RETRY_MS = 2_000;
const TRANSIENT_RETRY_MS = 5_000;
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
  const record = makeRecordOutcome(store);
  const settleExtension = makeSettleExtension({ store, clock, exclusive });
  const apply = makeSettleApply({ operator, clock, record });
  const end = makeSettleEnd({ operator, clock, record });
  const retry = (request: GrantRequest, afterMs: number, reason: string, extra: { error?: unknown } = {}) =>
    retryLater(clock, request, afterMs, reason, extra);

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

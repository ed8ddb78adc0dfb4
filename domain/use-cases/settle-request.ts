/**
 * Settle a request: do the AWS work it needs now (apply an APPROVED grant, remove a due ACTIVE one), then record
 * the outcome; an approved extension moves the end of the grant it extends instead (no AWS call: the permission
 * never leaves the policy). This is the one way in for work on grants, whoever asks: a queued work item, an answer
 * that waits briefly after an approval or revoke, the sweep, a timer.
 *
 * Input: the request id and a deadline for AWS calls. Output: `settled` (nothing is due now; `nextDueAt` says when
 * something will be) or `retry` (a transient wait — IAM propagation, throttling, the account's budget, another
 * worker holding the lease; `retryAt` says when to come back). Permanent refusals end the request FAILED with the
 * reason. Nothing here sleeps through a wait, and a removal is never given up: no permission outlives its grant.
 * Crash safety: the outcome is written only after AWS did the work, and both directions are idempotent.
 */
import { AccountUnreachableError, GrantRejectedError, StaleRequestError, UnavailableError } from '../errors';
import type { ApplyResult, GrantOperator } from '../grants/grant-operator';
import { approvedAt } from '../model/approved-at';
import type { GrantRequest, RequestStatus } from '../model/request';
import type { CallDeadlines, Clock, RequestStore, Sleep, WorkLeases } from '../ports';
import { extensionBlocker } from '../rulebook/extension';
import { adoptedStatementId } from '../rules/adoption';
import { dueAt, dueWork } from '../rules/due-work';
import { isTerminal, move, note } from '../state-machine';

export const BROKER_ACTOR = 'broker';

/** An APPROVED grant that AWS keeps refusing transiently for this long ends FAILED instead of waiting forever. */
export const APPLY_GIVE_UP_MS = 30 * 60 * 1000;
/** The lease outlives the deadline by this much: the last AWS call started before the deadline may still finish. */
const LEASE_MARGIN_MS = 5_000;
const LEASE_BUSY_RETRY_MS = 2_000;
const TRANSIENT_RETRY_MS = 5_000;
/**
 * A target account whose spoke role cannot be assumed is tried again after this long: it may be a spoke role still
 * being rolled out, so applies wait (up to APPLY_GIVE_UP_MS) and removals never give up, without hammering STS.
 */
const UNREACHABLE_RETRY_MS = 30_000;
const WRITE_ATTEMPTS = 5;
/** How often an answer looks again while another worker settles its request. */
const WATCH_MS = 100;

export type SettleOutcome =
  | {
      kind: 'settled';
      request: GrantRequest | null;
      /** The status this call moved the request to, if it moved it. */
      transition: RequestStatus | null;
      /** When the request will next need work (an ACTIVE grant's end), or null. */
      nextDueAt: string | null;
    }
  | {
      kind: 'retry';
      request: GrantRequest;
      retryAt: string;
      reason: string;
      /** Another worker holds the lease: the work is in hand. */
      busy: boolean;
      /** The error behind the wait, for the caller's log. */
      error?: unknown;
    };

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

const settled = (request: GrantRequest | null, transition: RequestStatus | null = null): SettleOutcome => ({
  kind: 'settled',
  request,
  transition,
  nextDueAt: request ? dueAt(request) : null,
});

function retryDelayOf(error: unknown): number {
  if (error instanceof UnavailableError) return error.retryAfterMs ?? TRANSIENT_RETRY_MS;
  return error instanceof AccountUnreachableError ? UNREACHABLE_RETRY_MS : TRANSIENT_RETRY_MS;
}

/** The `EXTENDED` event's detail (API §11.4). */
interface ExtendedDetail {
  extensionId: string;
  previousExpiresAt: string;
  expiresAt: string;
}

/** What the grant recorded when `extensionId` took effect on it, if it did. */
function extendedBy(grant: GrantRequest, extensionId: string): ExtendedDetail | undefined {
  const event = grant.history.find((e) => e.event === 'EXTENDED' && e.detail.extensionId === extensionId);
  return event?.detail as ExtendedDetail | undefined;
}

export function makeSettleRequest(deps: SettleDeps) {
  const { store, operator, leases, deadlines, clock } = deps;
  let settles = 0;

  const retry = (
    request: GrantRequest,
    afterMs: number,
    reason: string,
    extra: { error?: unknown; busy?: boolean } = {},
  ): SettleOutcome => ({
    kind: 'retry',
    request,
    retryAt: new Date(clock.now().getTime() + afterMs).toISOString(),
    reason,
    busy: extra.busy ?? false,
    ...(extra.error === undefined ? {} : { error: extra.error }),
  });

  /** Writes `build(current)`, re-reading on a concurrent change while `stillMine` says the outcome still applies. */
  async function record(
    request: GrantRequest,
    build: (current: GrantRequest) => GrantRequest,
    stillMine: (current: GrantRequest) => boolean,
  ): Promise<{ request: GrantRequest; written: boolean }> {
    let current = request;
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      try {
        return { request: await store.update(current, build(current)), written: true };
      } catch (error) {
        if (!(error instanceof StaleRequestError)) throw error;
        const fresh = await store.get(current.id);
        if (!fresh || !stillMine(fresh)) return { request: fresh ?? current, written: false };
        current = fresh;
      }
    }
    throw new UnavailableError(`request ${request.id} kept changing; retry`);
  }

  async function apply(request: GrantRequest): Promise<SettleOutcome> {
    const now = clock.now();
    let result: ApplyResult;
    try {
      // An adoption also removes the statement it replaces, once its own is in place.
      result = await (request.kind === 'invoke' && adoptedStatementId(request) !== null
        ? operator.adopt(request)
        : operator.apply(request, now));
    } catch (error) {
      if (error instanceof GrantRejectedError) {
        result = { outcome: 'refused', reason: error.message };
      } else if (now.getTime() - approvedAt(request) > APPLY_GIVE_UP_MS) {
        const why = error instanceof Error ? error.message : String(error);
        result = { outcome: 'refused', reason: `not applied within ${APPLY_GIVE_UP_MS / 60_000} minutes: ${why}` };
      } else {
        return retry(request, retryDelayOf(error), error instanceof Error ? error.message : 'AWS trouble', { error });
      }
    }
    if (result.outcome === 'wait') return retry(request, result.retryAfterMs, result.reason);

    const at = clock.now();
    const applied = result.outcome === 'applied' ? result : null;
    const build = (current: GrantRequest): GrantRequest =>
      applied
        ? move(current, 'ACTIVE', {
            at,
            actor: BROKER_ACTOR,
            patch: {
              activatedAt: at.toISOString(),
              expiresAt: new Date(at.getTime() + current.durationSeconds * 1000).toISOString(),
              eventSourceMappingUuid: applied.eventSourceMappingUuid,
              executionRoleArn: applied.executionRoleArn,
            },
            detail: applied.eventSourceMappingUuid ? { eventSourceMappingUuid: applied.eventSourceMappingUuid } : {},
          })
        : move(current, 'FAILED', {
            at,
            actor: BROKER_ACTOR,
            patch: { failure: { reason: (result as { reason: string }).reason, at: at.toISOString() } },
            detail: { reason: (result as { reason: string }).reason },
          });
    const recorded = await record(request, build, (current) => current.status === 'APPROVED');
    if (recorded.written) return settled(recorded.request, applied ? 'ACTIVE' : 'FAILED');
    if (applied && isTerminal(recorded.request.status)) {
      // Ended while we applied (an allowlist change, say): what we just added must not stay.
      await operator.remove({ ...recorded.request, ...applied });
    }
    return settled(recorded.request);
  }

  async function end(request: GrantRequest): Promise<SettleOutcome> {
    await operator.remove(request);
    const at = clock.now();
    const build = (current: GrantRequest): GrantRequest =>
      current.ending
        ? move(current, 'REVOKED', {
            at,
            actor: current.ending.actor,
            detail: current.ending.reason ? { reason: current.ending.reason } : {},
          })
        : move(current, 'EXPIRED', {
            at,
            actor: BROKER_ACTOR,
            detail: { lagSeconds: Math.max(0, (at.getTime() - Date.parse(current.expiresAt ?? '')) / 1000) },
          });
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

  /** Runs `work` holding the request's lease, so no other worker settles it meanwhile; `busy()` when one does. */
  async function exclusive<T>(id: string, deadline: Date, work: () => Promise<T>, busy: () => T): Promise<T> {
    const holder = `${deps.holder}#${++settles}`;
    if (!(await leases.acquire(id, holder, new Date(deadline.getTime() + LEASE_MARGIN_MS)))) return busy();
    try {
      return await work();
    } finally {
      await leases.release(id, holder).catch(() => undefined);
    }
  }

  /** Ends an approved extension FAILED: the grant it extends could not take the time. */
  async function failExtension(extension: GrantRequest, at: Date, why: string): Promise<SettleOutcome> {
    const reason = `not extended: ${why}`;
    const failed = await record(
      extension,
      (current) =>
        move(current, 'FAILED', {
          at,
          actor: BROKER_ACTOR,
          patch: { failure: { reason, at: at.toISOString() } },
          detail: { reason },
        }),
      (current) => current.status === 'APPROVED',
    );
    return settled(failed.request, failed.written ? 'FAILED' : null);
  }

  /**
   * An approved extension takes effect: the grant's end moves by the extension's duration (history EXTENDED on both).
   * Two items change, in an order a later run can finish: the grant first (its EXTENDED event names the extension,
   * so it is never extended twice), then the extension. Done under the grant's lease, so its expiry or revoke never
   * runs while its end moves; a grant that has ended, is being revoked or is past its end fails the extension.
   */
  async function extend(extension: GrantRequest, deadline: Date): Promise<SettleOutcome> {
    const grantId = extension.extends as string;
    const busy = () => retry(extension, LEASE_BUSY_RETRY_MS, 'the grant it extends is being settled');
    return exclusive(
      grantId,
      deadline,
      async () => {
        const at = clock.now();
        const actor = [...extension.history].reverse().find((e) => e.event === 'APPROVED')?.actor ?? BROKER_ACTOR;
        let taken: ExtendedDetail | undefined;
        for (let attempt = 1; attempt <= WRITE_ATTEMPTS && !taken; attempt++) {
          const grant = await store.get(grantId);
          if (!grant) return failExtension(extension, at, 'the grant it extends no longer exists');
          taken = extendedBy(grant, extension.id);
          if (taken) break;
          const blocker = extensionBlocker(grant, at);
          if (blocker) return failExtension(extension, at, `the grant it extends ${blocker.reason}`);
          const previousExpiresAt = grant.expiresAt as string;
          const expiresAt = new Date(Date.parse(previousExpiresAt) + extension.durationSeconds * 1000).toISOString();
          const detail: ExtendedDetail = { extensionId: extension.id, previousExpiresAt, expiresAt };
          try {
            await store.update(
              grant,
              note(grant, 'EXTENDED', { at, actor, detail: { ...detail }, patch: { expiresAt } }),
            );
            taken = detail;
          } catch (error) {
            if (!(error instanceof StaleRequestError)) throw error;
          }
        }
        if (!taken) return retry(extension, TRANSIENT_RETRY_MS, 'the grant it extends kept changing');
        const { previousExpiresAt, expiresAt } = taken;
        const recorded = await record(
          extension,
          (current) =>
            move(current, 'EXTENDED', { at, actor, detail: { extends: grantId, previousExpiresAt, expiresAt } }),
          (current) => current.status === 'APPROVED',
        );
        return settled(recorded.request, recorded.written ? 'EXTENDED' : null);
      },
      busy,
    );
  }

  async function settleLeased(id: string, deadline: Date): Promise<SettleOutcome> {
    const current = await store.get(id);
    if (!current) return settled(null);
    const work = dueWork(current, clock.now());
    if (!work) return settled(current);
    try {
      if (work === 'extend') return await extend(current, deadline);
      return await deadlines.within(deadline, () => (work === 'apply' ? apply(current) : end(current)));
    } catch (error) {
      return retry(current, retryDelayOf(error), error instanceof Error ? error.message : 'AWS trouble', { error });
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
      () => retry(first, LEASE_BUSY_RETRY_MS, 'another worker is settling this request', { busy: true }),
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

/**
 * One sweep, the safety net behind the queued work and the expiry timers: ends ACTIVE grants that are due (expired
 * or marked for revoke) first, then times out stale PENDING requests, then applies APPROVED ones, then re-checks the
 * live requests of allowlist entries whose change no re-check has gone through after RECHECK_GRACE_MS (its stream
 * record failed and was skipped, its queued work dead-lettered). Reads only due
 * items, page after page (an item that stays due does not hold the next page back), and settles them through the
 * same use case as every other worker, per target account side by side.
 * Nothing waits: an item that needs to (IAM propagation, throttling, another worker's lease) is counted and left for
 * later. With a time budget it starts nothing after the deadline, and AWS calls that could only start after it fail
 * at once, so the sweep overruns by at most the calls in flight.
 */
import { StaleRequestError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { AllowlistStore, Clock, DuePage, RequestStore } from '../ports';
import { dueAt, OVERDUE_AFTER_MS } from '../rules/due-work';
import type { BrokerSettings } from '../settings';
import { move } from '../state-machine';
import { inLanes } from '../work-lanes';
import type { AllowlistRecheck } from './recheck-allowlist';
import { BROKER_ACTOR, type SettleOutcome, type SettleRequest } from './settle-request';

export interface SweepReport {
  timedOut: number;
  activated: number;
  failed: number;
  expired: number;
  revoked: number;
  /** Approved extensions that took effect (docs/api.md, `POST /v1/requests/{id}/extend`). */
  extended: number;
  /** Settled by another writer meanwhile, or held by another worker's lease: nothing to do here. */
  skipped: number;
  /** Left for later after a wait or AWS trouble (throttling, IAM propagation). */
  retryLater: number;
  errors: { requestId: string; error: string }[];
  /** Items read from the store: a sweep reads only what is due. */
  itemsRead: number;
  /** Allowlist entries whose missed re-check this sweep went through (see above). */
  rechecked: number;
  /**
   * ACTIVE grants more than a minute past their end (or their revoke), whatever the cause (a blocked removal, an
   * account out of reach), counted up to OVERDUE_COUNTED, and how long the oldest has been due.
   */
  overdue: { count: number; oldestSeconds: number };
}

/** How long an entry's change may wait for its queued re-check before the sweep does it. */
export const RECHECK_GRACE_MS = 2 * 60 * 1000;

/** Overdue grants a sweep counts at most (a page of the due list each, up to this many). */
const OVERDUE_COUNTED = 1_000;

const PAGE = 100;
/** Items of one account in flight at once: enough to keep its budget busy, few enough to stay fair. */
const PER_ACCOUNT = 4;
/** A sweep without a budget still stops, long before anything could loop. */
const DEFAULT_BUDGET_MS = 10 * 60 * 1000;

const accountOf = (r: GrantRequest) => r.functionArn.split(':')[4] ?? '';

export function makeSweep(deps: {
  store: RequestStore;
  allowlist: AllowlistStore;
  clock: Clock;
  settings: BrokerSettings;
  settle: SettleRequest;
  recheck: AllowlistRecheck;
}) {
  const { store, allowlist, clock, settings, settle, recheck } = deps;

  /** Each missed re-check, all its pages, within the time left; one left unfinished is taken up by the next sweep. */
  async function recheckMissed(now: Date, timeLeft: () => boolean): Promise<number> {
    let done = 0;
    for (const missed of await allowlist.pendingRechecks(new Date(now.getTime() - RECHECK_GRACE_MS))) {
      let after: string | null = null;
      do {
        if (!timeLeft()) return done;
        after = (await recheck.recheck(missed.entryId, after, now)).next;
      } while (after !== null);
      done++;
    }
    return done;
  }

  /** What is overdue now, read from the due list (oldest first): for the metrics and their alarm. */
  async function overdueAt(now: Date): Promise<SweepReport['overdue']> {
    const cutoff = new Date(now.getTime() - OVERDUE_AFTER_MS).toISOString();
    let count = 0;
    let oldest: string | null = null;
    let after: string | null = null;
    do {
      const page: DuePage = await store.dueActive(cutoff, PAGE, after);
      count += page.items.length;
      const first = page.items[0];
      if (oldest === null && first) oldest = dueAt(first);
      after = page.next;
    } while (after !== null && count < OVERDUE_COUNTED);
    const oldestSeconds = oldest === null ? 0 : Math.max(0, (now.getTime() - Date.parse(oldest)) / 1000);
    return { count, oldestSeconds: Math.round(oldestSeconds) };
  }

  return async function sweep(options: { budgetMs?: number } = {}): Promise<SweepReport> {
    const report: SweepReport = {
      timedOut: 0,
      activated: 0,
      failed: 0,
      expired: 0,
      revoked: 0,
      extended: 0,
      skipped: 0,
      retryLater: 0,
      errors: [],
      itemsRead: 0,
      rechecked: 0,
      overdue: { count: 0, oldestSeconds: 0 },
    };
    const deadline = new Date(clock.now().getTime() + (options.budgetMs ?? DEFAULT_BUDGET_MS));
    const timeLeft = () => clock.now().getTime() < deadline.getTime();
    const failedWith = (requestId: string, error: unknown) =>
      report.errors.push({
        requestId,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });

    /** Works through a due list page by page, resuming after the last item of each page. */
    async function drain(fetch: (after: string | null) => Promise<DuePage>, work: (r: GrantRequest) => Promise<void>) {
      let after: string | null = null;
      do {
        if (!timeLeft()) return;
        const page: DuePage = await fetch(after);
        report.itemsRead += page.items.length;
        await inLanes(page.items, { lane: accountOf, resource: (r) => r.functionArn }, PER_ACCOUNT, async (item) => {
          if (timeLeft()) await work(item);
        });
        after = page.next;
      } while (after !== null);
    }

    const count = (outcome: SettleOutcome) => {
      if (outcome.kind === 'retry') {
        if (outcome.busy) report.skipped++;
        else report.retryLater++;
        if (outcome.error !== undefined) failedWith(outcome.request.id, outcome.error);
        return;
      }
      switch (outcome.transition) {
        case 'ACTIVE':
          return void report.activated++;
        case 'FAILED':
          return void report.failed++;
        case 'EXPIRED':
          return void report.expired++;
        case 'REVOKED':
          return void report.revoked++;
        case 'EXTENDED':
          return void report.extended++;
        default:
          return void report.skipped++;
      }
    };
    const settleOne = async (r: GrantRequest) => {
      try {
        // The page holds the whole item: it spares settle its first read (it reads again under the lease).
        count(await settle.settle(r.id, { deadline, known: r }));
      } catch (error) {
        report.retryLater++;
        failedWith(r.id, error);
      }
    };

    const now = clock.now();
    report.overdue = await overdueAt(now);
    await drain((after) => store.dueActive(now.toISOString(), PAGE, after), settleOne);

    const cutoff = new Date(now.getTime() - settings.pendingTimeoutSeconds * 1000).toISOString();
    await drain(
      (after) => store.pendingCreatedBy(cutoff, PAGE, after),
      async (r) => {
        try {
          await store.update(
            r,
            move(r, 'TIMED_OUT', {
              at: clock.now(),
              actor: BROKER_ACTOR,
              detail: { pendingTimeoutSeconds: settings.pendingTimeoutSeconds },
            }),
          );
          report.timedOut++;
        } catch (error) {
          if (error instanceof StaleRequestError) report.skipped++;
          else {
            report.retryLater++;
            failedWith(r.id, error);
          }
        }
      },
    );

    await drain((after) => store.approved(PAGE, after), settleOne);
    report.rechecked = await recheckMissed(now, timeLeft);
    return report;
  };
}

export type Sweep = ReturnType<typeof makeSweep>;

/**
 * One sweep: time out stale PENDING requests, finish APPROVED ones, end ACTIVE grants that are due (expired or
 * marked for revoke). Reads only due items through indexed queries. Each item stands alone: a failure is counted
 * and left for the next sweep; another sweep running at once only costs a lost write (counted as skipped).
 * Stops taking new items at the deadline so a scheduled run ends within its time budget.
 */
import { StaleRequestError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { Clock, RequestStore } from '../ports';
import type { BrokerSettings } from '../settings';
import { move } from '../state-machine';
import { BROKER_ACTOR, type ActivateGrant } from './activate-grant';
import type { EndGrant } from './end-grant';

export interface SweepReport {
  timedOut: number;
  activated: number;
  failed: number;
  expired: number;
  revoked: number;
  /** Lost to a concurrent writer (another sweep or a decision): nothing to do. */
  skipped: number;
  /** Left for the next sweep after an error (throttling, AWS trouble). */
  retryLater: number;
  errors: { requestId: string; error: string }[];
  /** Items read from the store: a sweep reads only what is due. */
  itemsRead: number;
}

const PAGE = 100;

export function makeSweep(deps: {
  store: RequestStore;
  clock: Clock;
  settings: BrokerSettings;
  activateGrant: ActivateGrant;
  endGrant: EndGrant;
}) {
  const { store, clock, settings, activateGrant, endGrant } = deps;

  /** `budgetMs`: stop taking new items after this long (by the broker's clock). */
  return async function sweep(options: { budgetMs?: number } = {}): Promise<SweepReport> {
    const report: SweepReport = {
      timedOut: 0,
      activated: 0,
      failed: 0,
      expired: 0,
      revoked: 0,
      skipped: 0,
      retryLater: 0,
      errors: [],
      itemsRead: 0,
    };
    const deadline = options.budgetMs === undefined ? null : clock.now().getTime() + options.budgetMs;
    const timeLeft = () => deadline === null || clock.now().getTime() < deadline;

    /** Works through a due list page by page; items that stay due after an error are not taken twice. */
    async function drain(
      fetch: () => Promise<GrantRequest[]>,
      work: (r: GrantRequest) => Promise<void>,
    ): Promise<void> {
      const seen = new Set<string>();
      while (timeLeft()) {
        const page = await fetch();
        report.itemsRead += page.length;
        const fresh = page.filter((r) => !seen.has(r.id));
        for (const item of fresh) {
          if (!timeLeft()) return;
          seen.add(item.id);
          try {
            await work(item);
          } catch (error) {
            if (error instanceof StaleRequestError) {
              report.skipped++;
            } else {
              report.retryLater++;
              report.errors.push({
                requestId: item.id,
                error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
              });
            }
          }
        }
        if (fresh.length === 0 || page.length < PAGE) return;
      }
    }

    const now = clock.now();
    const cutoff = new Date(now.getTime() - settings.pendingTimeoutSeconds * 1000).toISOString();
    await drain(
      () => store.pendingCreatedBy(cutoff, PAGE),
      async (r) => {
        await store.update(
          r,
          move(r, 'TIMED_OUT', {
            at: clock.now(),
            actor: BROKER_ACTOR,
            detail: { pendingTimeoutSeconds: settings.pendingTimeoutSeconds },
          }),
        );
        report.timedOut++;
      },
    );
    await drain(
      () => store.approved(PAGE),
      async (r) => {
        const { request: done, changed } = await activateGrant(r);
        if (!changed) report.skipped++;
        else if (done.status === 'ACTIVE') report.activated++;
        else report.failed++;
      },
    );
    await drain(
      () => store.dueActive(now.toISOString(), PAGE),
      async (r) => {
        const { request: done, changed } = await endGrant(r);
        if (!changed) report.skipped++;
        else if (done.status === 'REVOKED') report.revoked++;
        else report.expired++;
      },
    );
    return report;
  };
}

export type Sweep = ReturnType<typeof makeSweep>;

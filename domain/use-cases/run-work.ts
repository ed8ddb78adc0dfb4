/**
 * Run one scheduled work item (a queue message): settle the request, and schedule what follows — the same work
 * again after a wait, or, for an expiry timer, the next tick at the grant's current end (an extension moves it).
 * Work that arrives before its time (a long timer hops in steps) is scheduled again unchanged.
 */
import type { ScheduledWork } from '../events/follow-ups';
import type { Clock, WorkScheduler } from '../ports';
import type { SettleOutcome, SettleRequest } from './settle-request';

/** A worker's settle may take this long before its AWS calls give up and the item is retried. */
export const WORK_DEADLINE_MS = 10_000;

export function makeRunWork(deps: { settle: SettleRequest; scheduler: WorkScheduler; clock: Clock }) {
  const { settle, scheduler, clock } = deps;
  return async function runWork(work: ScheduledWork): Promise<SettleOutcome | null> {
    const now = clock.now();
    if (Date.parse(work.at) > now.getTime()) {
      await scheduler.schedule(work);
      return null;
    }
    const outcome = await settle.settle(work.requestId, { deadline: new Date(now.getTime() + WORK_DEADLINE_MS) });
    if (outcome.kind === 'retry') {
      await scheduler.schedule({ ...work, at: outcome.retryAt });
    } else if (work.kind === 'timer' && outcome.nextDueAt !== null) {
      await scheduler.schedule({ ...work, at: outcome.nextDueAt });
    }
    return outcome;
  };
}

export type RunWork = ReturnType<typeof makeRunWork>;

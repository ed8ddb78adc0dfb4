/**
 * Run one queued work item (a queue message). Grant work settles its request and schedules what follows — the same
 * work again after a wait, or, for an expiry timer, the next tick at the grant's current end (an extension moves it).
 * An allowlist re-check runs one page and schedules the next. Work that arrives before its time (a long timer hops in
 * steps) is scheduled again unchanged. An expiry notice that came due is handed to the Slack side, which tells it
 * unless the grant moved on (docs/slack.md, A requester's day in Slack).
 */
import type { QueuedWork, RecheckWork, ScheduledWork } from '../events/follow-ups';
import type { Clock, ExpiryNotices, WorkScheduler } from '../ports';
import type { AllowlistRecheck } from './recheck-allowlist';
import type { SettleOutcome, SettleRequest } from './settle-request';

/** A worker's settle may take this long before its AWS calls give up and the item is retried. */
export const WORK_DEADLINE_MS = 10_000;

export function makeRunWork(deps: {
  settle: SettleRequest;
  recheck: AllowlistRecheck;
  scheduler: WorkScheduler;
  notices: ExpiryNotices;
  clock: Clock;
}) {
  const { settle, recheck, scheduler, notices, clock } = deps;

  async function settleWork(work: ScheduledWork, now: Date): Promise<SettleOutcome> {
    const outcome = await settle.settle(work.requestId, { deadline: new Date(now.getTime() + WORK_DEADLINE_MS) });
    if (outcome.kind === 'retry') {
      await scheduler.schedule({ ...work, at: outcome.retryAt });
    } else if (work.kind === 'timer' && outcome.nextDueAt !== null) {
      await scheduler.schedule({ ...work, at: outcome.nextDueAt });
    }
    return outcome;
  }

  async function recheckPage(work: RecheckWork, now: Date): Promise<null> {
    // Work queued before re-checks had a start: its own time is when it began.
    const startedAt = new Date(work.startedAt ?? work.at);
    const { next } = await recheck.recheck(work.entryId, work.after, startedAt);
    if (next !== null) {
      await scheduler.schedule({ ...work, after: next, at: now.toISOString(), startedAt: startedAt.toISOString() });
    }
    return null;
  }

  return async function runWork(work: QueuedWork): Promise<SettleOutcome | null> {
    const now = clock.now();
    if (Date.parse(work.at) > now.getTime()) {
      await scheduler.schedule(work);
      return null;
    }
    if (work.kind === 'notice') {
      await notices.due(work.requestId, work.expiresAt);
      return null;
    }
    return work.kind === 'recheck' ? recheckPage(work, now) : settleWork(work, now);
  };
}

export type RunWork = ReturnType<typeof makeRunWork>;

/**
 * React to one stored change of a request (a record of the table's stream): announce its new history (Slack, in
 * order, after the answer was given), tell the listeners (metrics), and schedule the AWS work it calls for.
 * Runs at least once per change; everything it starts is idempotent.
 */
import { entryFollowUp, followUps } from '../events/follow-ups';
import type { GrantRequest } from '../model/request';
import type { Announcer, Clock, GrantEventListener, WorkScheduler } from '../ports';

export function makeDispatchChange(deps: {
  scheduler: WorkScheduler;
  announcer: Announcer;
  listener: GrantEventListener;
}) {
  const { scheduler, announcer, listener } = deps;
  return async function dispatchChange(before: GrantRequest | null, after: GrantRequest): Promise<void> {
    const { events, work } = followUps(before, after);
    // Work first: a slow or failing announcement must not delay a grant.
    if (work) await scheduler.schedule(work);
    if (events.length === 0) return;
    await announcer.announce(after);
    await listener.recorded(after, events);
  };
}

export type DispatchChange = ReturnType<typeof makeDispatchChange>;

/**
 * React to one stored change of an allowlist entry (put or delete, a record of the same stream): its live requests are
 * matched again behind the answer (API §11.5), on the work queue.
 */
export function makeDispatchEntryChange(deps: { scheduler: WorkScheduler; clock: Clock }) {
  return (entryId: string): Promise<void> => deps.scheduler.schedule(entryFollowUp(entryId, deps.clock.now()));
}

/**
 * React to one stored change of a request (a record of the table's stream): announce its new history (Slack, in order,
 * after the answer was given), tell the listeners (metrics), and schedule the AWS work it calls for. Runs at least once
 * per change. Its work is scheduled once (docs/api.md, Answers, and the work behind them): the change is claimed first,
 * so a record delivered again (after a failure later in its batch, or a retry) starts no second timer chain; a claim
 * whose work could not be scheduled is given back. Announcing again is harmless (Slack updates are deduplicated).
 */
import { entryFollowUp, followUps, noticeFollowUp, type QueuedWork } from '../events/follow-ups';
import type { GrantRequest } from '../model/request';
import type { Announcer, Clock, DispatchClaims, GrantEventListener, WorkScheduler } from '../ports';

/** Longer than the stream keeps a record (24 hours): no delivery of a change outlives its claim. */
const CLAIM_KEPT_MS = 48 * 3600 * 1000;

/** The id of one stored change: each write of a request raises its version. */
export const changeId = (r: GrantRequest) => `${r.id}#${r.version}`;

/** Schedules `work` for `change` unless that change's work was scheduled already. */
function makeScheduleOnce(deps: { scheduler: WorkScheduler; claims: DispatchClaims; clock: Clock }) {
  const { scheduler, claims, clock } = deps;
  return async function scheduleOnce(change: string, work: QueuedWork): Promise<void> {
    if (!(await claims.claim(change, new Date(clock.now().getTime() + CLAIM_KEPT_MS)))) return;
    try {
      await scheduler.schedule(work);
    } catch (error) {
      await claims.release(change).catch(() => undefined);
      throw error;
    }
  };
}

export function makeDispatchChange(deps: {
  scheduler: WorkScheduler;
  announcer: Announcer;
  listener: GrantEventListener;
  claims: DispatchClaims;
  clock: Clock;
  /** BROKER_EXPIRY_NOTICE_SECONDS, and whether a request's requester hears of its expiry (linked in Slack). */
  expiryNotice?: { seconds: number; wanted: (r: GrantRequest) => boolean };
}) {
  const { announcer, listener, expiryNotice, clock } = deps;
  const scheduleOnce = makeScheduleOnce(deps);
  return async function dispatchChange(before: GrantRequest | null, after: GrantRequest): Promise<void> {
    const { events, work } = followUps(before, after);
    // Work first: a slow or failing announcement must not delay a grant.
    if (work) await scheduleOnce(changeId(after), work);
    const notice =
      expiryNotice && expiryNotice.wanted(after)
        ? noticeFollowUp(before, after, expiryNotice.seconds, clock.now())
        : null;
    // Once per grant and end time, whichever change set it.
    if (notice) await scheduleOnce(`NOTICE#${after.id}#${notice.expiresAt}`, notice);
    if (events.length === 0) return;
    await announcer.announce(after);
    await listener.recorded(after, events);
  };
}

export type DispatchChange = ReturnType<typeof makeDispatchChange>;

/**
 * React to one stored change of an allowlist entry (put or delete, a record of the same stream, `change` its sequence
 * number): its live requests are matched again behind the answer (docs/api.md, One rulebook), on the work queue, once
 * per change.
 */
export function makeDispatchEntryChange(deps: { scheduler: WorkScheduler; claims: DispatchClaims; clock: Clock }) {
  const scheduleOnce = makeScheduleOnce(deps);
  return (entryId: string, change: string): Promise<void> =>
    scheduleOnce(`ENTRY#${entryId}#${change}`, entryFollowUp(entryId, deps.clock.now()));
}

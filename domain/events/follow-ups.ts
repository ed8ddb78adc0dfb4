/**
 * What a stored change sets in motion, read from the change itself (the table's stream gives the request before and
 * after each write): the new history events to announce, and AWS work to schedule; for a changed allowlist entry, a
 * re-check of its live requests.
 * Pure, so every consumer of the stream agrees, and a replayed change schedules the same things again (harmless:
 * settling is idempotent and notifications are deduplicated).
 */
import type { GrantRequest, HistoryEvent } from '../model/request';
import { noticeAt } from '../rules/expiry-notice';

export interface ScheduledWork {
  requestId: string;
  /** `now`: settle as soon as possible; `timer`: settle at `at` and keep the timer going until the grant ends. */
  kind: 'now' | 'timer';
  /** ISO time to settle at. */
  at: string;
}

/**
 * Match the live requests of an allowlist entry again after it changed (docs/api.md, One rulebook): one page per run.
 */
export interface RecheckWork {
  kind: 'recheck';
  entryId: string;
  /** Where the previous run stopped (the entry's requests are read oldest first); null: from the start. */
  after: string | null;
  at: string;
  /** When the re-check's first run was queued (after the change): its marker goes when the last run is done. */
  startedAt?: string;
}

/**
 * Tell the requester that its grant ends soon (docs/slack.md, A requester's day in Slack): due
 * BROKER_EXPIRY_NOTICE_SECONDS before `expiresAt`, scheduled once per grant and end time.
 */
export interface NoticeWork {
  kind: 'notice';
  requestId: string;
  /** The end it warns of: a grant extended since has another notice of its own. */
  expiresAt: string;
  at: string;
}

/** Everything the work queue carries. */
export type QueuedWork = ScheduledWork | RecheckWork | NoticeWork;

export interface FollowUps {
  /** History events this change appended, oldest first. */
  events: HistoryEvent[];
  work: ScheduledWork | null;
}

export function followUps(before: GrantRequest | null, after: GrantRequest): FollowUps {
  const events = after.history.slice(before?.history.length ?? 0);
  const happened = (name: HistoryEvent['event']) => events.some((e) => e.event === name);
  let work: ScheduledWork | null = null;
  if (after.status === 'APPROVED' && before?.status !== 'APPROVED') {
    work = { requestId: after.id, kind: 'now', at: after.updatedAt };
  } else if ((after.status === 'ACTIVE' || after.status === 'APPROVED') && happened('REVOKE_REQUESTED')) {
    work = { requestId: after.id, kind: 'now', at: after.updatedAt };
  } else if (after.status === 'SCHEDULED' && happened('SCHEDULED') && after.startsAt) {
    // The start timer: it applies the grant at its start, then keeps going to its end.
    work = { requestId: after.id, kind: 'timer', at: after.startsAt };
  } else if (after.status === 'ACTIVE' && happened('ACTIVATED') && before?.status !== 'SCHEDULED' && after.expiresAt) {
    // The expiry timer starts with the grant; an extension later moves the end and the timer follows it.
    work = { requestId: after.id, kind: 'timer', at: after.expiresAt };
  }
  return { events, work };
}

/**
 * The expiry notice a change sets in motion: a grant that became ACTIVE, or whose end an extension moved, is told
 * `noticeSeconds` before its end. Null when that time has passed already (the Slack side tells it with the activation).
 */
export function noticeFollowUp(
  before: GrantRequest | null,
  after: GrantRequest,
  noticeSeconds: number,
  now: Date,
): NoticeWork | null {
  // Told once per end: a grant that just became ACTIVE (a scheduled one brings its end along), or whose end moved.
  const sameEnd = before?.status === 'ACTIVE' && after.expiresAt === before.expiresAt;
  if (after.status !== 'ACTIVE' || after.expiresAt === null || sameEnd) return null;
  const at = noticeAt(after.expiresAt, noticeSeconds);
  if (at.getTime() <= now.getTime()) return null;
  return { kind: 'notice', requestId: after.id, expiresAt: after.expiresAt, at: at.toISOString() };
}

/** A stored change of an allowlist entry (put or delete) sets a re-check of its live requests in motion. */
export function entryFollowUp(entryId: string, at: Date): RecheckWork {
  return { kind: 'recheck', entryId, after: null, at: at.toISOString(), startedAt: at.toISOString() };
}

/** What AWS work a request needs, and when: pure, from its state and the time. */
import type { GrantRequest } from '../model/request';

export type DueWork = 'apply' | 'end' | 'extend';

/**
 * When an ACTIVE grant is due to end: at once when a revoke is requested, else at its expiry; when a SCHEDULED one is due
 * to be applied: at its start.
 */
export function dueAt(r: GrantRequest): string | null {
  if (r.status === 'SCHEDULED') return r.startsAt;
  if (r.status !== 'ACTIVE') return null;
  return r.ending?.requestedAt ?? r.expiresAt;
}

/** Sort position in the due list (`<due time>#<id>`): soonest first, ties broken by id. */
export function duePosition(r: GrantRequest): string | null {
  const at = dueAt(r);
  return at === null ? null : `${at}#${r.id}`;
}

/**
 * APPROVED needs its grant applied (or, ended by an allowlist change before that, removed), SCHEDULED too once it
 * starts; an approved extension
 * needs the grant it extends to take the time (no AWS work); ACTIVE needs its grant removed once due; anything else
 * needs nothing.
 */
export function dueWork(r: GrantRequest, now: Date): DueWork | null {
  if (r.extends !== null) return r.status === 'APPROVED' ? 'extend' : null;
  if (r.status === 'APPROVED') return r.ending ? 'end' : 'apply';
  const at = nextAttemptAt(r);
  if (r.status === 'SCHEDULED') return at !== null && Date.parse(at) <= now.getTime() ? 'apply' : null;
  return at !== null && Date.parse(at) <= now.getTime() ? 'end' : null;
}

/** When an ACTIVE grant's removal is next tried: at its due time, or, once AWS refused it for good, every 5 minutes. */
export function nextAttemptAt(r: GrantRequest): string | null {
  const due = dueAt(r);
  if (due === null || r.removalRetryAt === null) return due;
  return r.removalRetryAt > due ? r.removalRetryAt : due;
}

/** An ACTIVE grant this long past its due time is overdue, whatever the cause. */
export const OVERDUE_AFTER_MS = 60_000;

/** What AWS work a request needs, and when: pure, from its state and the time. */
import type { GrantRequest } from '../model/request';

export type DueWork = 'apply' | 'end' | 'extend';

/** When an ACTIVE grant is due to end: at once when a revoke is requested, else at its expiry. */
export function dueAt(r: GrantRequest): string | null {
  if (r.status !== 'ACTIVE') return null;
  return r.ending?.requestedAt ?? r.expiresAt;
}

/** Sort position in the due list (`<due time>#<id>`): soonest first, ties broken by id. */
export function duePosition(r: GrantRequest): string | null {
  const at = dueAt(r);
  return at === null ? null : `${at}#${r.id}`;
}

/**
 * APPROVED needs its grant applied (or, ended by an allowlist change before that, removed); an approved extension
 * needs the grant it extends to take the time (no AWS work); ACTIVE needs its grant removed once due; anything else
 * needs nothing.
 */
export function dueWork(r: GrantRequest, now: Date): DueWork | null {
  if (r.extends !== null) return r.status === 'APPROVED' ? 'extend' : null;
  if (r.status === 'APPROVED') return r.ending ? 'end' : 'apply';
  const at = dueAt(r);
  return at !== null && Date.parse(at) <= now.getTime() ? 'end' : null;
}

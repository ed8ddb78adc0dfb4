/**
 * When a request's grant was due to be applied: its APPROVED event (or its creation, for one made approved: an
 * adoption), or its `startsAt` when that came later (a scheduled grant).
 */
import type { GrantRequest } from './request';

export function approvedAt(r: GrantRequest): number {
  const approved = Date.parse([...r.history].reverse().find((e) => e.event === 'APPROVED')?.at ?? r.createdAt);
  return r.startsAt === null ? approved : Math.max(approved, Date.parse(r.startsAt));
}

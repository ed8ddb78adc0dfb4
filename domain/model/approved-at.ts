/** When a request was approved: its APPROVED event, or its creation for one made approved (an adoption). */
import type { GrantRequest } from './request';

export function approvedAt(r: GrantRequest): number {
  return Date.parse([...r.history].reverse().find((e) => e.event === 'APPROVED')?.at ?? r.createdAt);
}

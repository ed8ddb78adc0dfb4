/**
 * The rules of extending a grant (docs/api.md, `POST /v1/requests/{id}/extend`), in one place: how often it was
 * extended, how long it still stands, and whether its state lets it take more time. Creating an extension and
 * settling an approved one both ask here.
 */
import type { GrantRequest } from '../model/request';

/** How often a grant has been extended: each extension that took effect left an EXTENDED event on it. */
export function timesExtended(grant: GrantRequest): number {
  return grant.history.filter((e) => e.event === 'EXTENDED').length;
}

/** Whole seconds until the grant's end (never negative); its duration while it has not started. */
export function remainingSeconds(grant: GrantRequest, now: Date): number {
  // A scheduled grant's time runs from its start, not from now.
  if (grant.expiresAt === null || grant.status === 'SCHEDULED') return grant.durationSeconds;
  return Math.max(0, Math.ceil((Date.parse(grant.expiresAt) - now.getTime()) / 1000));
}

/** Why a grant's state does not let it take more time now; `reason` completes "the grant …". */
export type ExtensionBlocker = { kind: 'status' | 'ending'; reason: string };

/** Null when the grant can take more time now: ACTIVE, not being revoked, not past its end. */
export function extensionBlocker(grant: GrantRequest, now: Date): ExtensionBlocker | null {
  if (grant.status !== 'ACTIVE') {
    return { kind: 'status', reason: `is ${grant.status}` };
  }
  if (grant.ending) return { kind: 'ending', reason: 'is being revoked' };
  if (grant.expiresAt === null || Date.parse(grant.expiresAt) <= now.getTime()) {
    return { kind: 'ending', reason: `reached its end at ${grant.expiresAt ?? '?'}` };
  }
  return null;
}

/**
 * The most an extension may add now under an entry that allows `maxDurationSeconds`: the grant's remaining time and
 * the extension together stay within it (ask.ts: extensionAsk). What an extend form should offer at most.
 */
export function extensionRoomSeconds(grant: GrantRequest, maxDurationSeconds: number, now: Date): number {
  return Math.max(0, maxDurationSeconds - remainingSeconds(grant, now));
}

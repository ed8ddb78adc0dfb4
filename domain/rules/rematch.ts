/**
 * What an allowlist change means for one live request of the entry that changed (API §11.5): matched again against
 * the allowlist as it is now (all entries). Still permitted by its entry → kept; by another entry → rematched to it;
 * by none → ended, PENDING as REJECTED, APPROVED and ACTIVE as REVOKED, with a reason naming the entry and the
 * condition that failed. Pure: the impact preview and the real re-check both decide here.
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { GrantRequest } from '../model/request';
import { matchAllowlist, matchGrant } from './allowlist-matcher';
import { matchSubjectOf } from './match-subject';

export type RematchOutcome =
  | { kind: 'kept' }
  | { kind: 'rematched'; entryId: string }
  | { kind: 'ended'; status: 'REJECTED' | 'REVOKED'; reason: string };

/** The actor of what an allowlist change does to requests (history). */
export const ALLOWLIST_ACTOR = 'allowlist';

/** Requests an allowlist change can still reach: not ended, and not already on their way out. */
export function isLive(r: GrantRequest): boolean {
  return (r.status === 'PENDING' || r.status === 'APPROVED' || r.status === 'ACTIVE') && r.ending === null;
}

/** `entries`: the whole allowlist as it is (or would be) after the change of `r`'s entry. */
export function rematch(r: GrantRequest, entries: readonly AllowlistEntry[]): RematchOutcome {
  // An adopted statement was judged on the grant alone (its requester is the admin who adopted it): so again here.
  const adopted = r.history[0]?.event === 'ADOPTED';
  const decision = (adopted ? matchGrant : matchAllowlist)(entries, matchSubjectOf(r));
  if (decision.permitted) {
    return decision.entry.id === r.allowlistEntryId
      ? { kind: 'kept' }
      : { kind: 'rematched', entryId: decision.entry.id };
  }
  const change = entries.some((e) => e.id === r.allowlistEntryId) ? 'was changed' : 'was deleted';
  return {
    kind: 'ended',
    status: r.status === 'PENDING' ? 'REJECTED' : 'REVOKED',
    reason: `allowlist entry ${r.allowlistEntryId} ${change} and no entry permits this request: ${decision.reason} (${decision.field})`,
  };
}

/**
 * What an allowlist change means for one live request (docs/api.md, One rulebook): it is
 * judged as a fresh ask at `now` (ask.ts: a grant for the time it still stands, with its extensions; a pending
 * extension with the time it would add) against the allowlist as it is (or would be) after the change.
 * Still permitted by its entry → kept; by another → rematched to it; by none → ended, PENDING as REJECTED, APPROVED
 * and ACTIVE as REVOKED, with a reason naming the entry and the condition. Nothing is cut back silently. The re-check
 * and its preview both decide here.
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { GrantRequest } from '../model/request';
import type { Ask } from './ask';
import { chooseEntry } from './choose-entry';
import { fitOf } from './entry-fit';
import type { Identity } from './identity';

export type LiveOutcome =
  | { kind: 'kept' }
  | { kind: 'rematched'; entryId: string }
  | { kind: 'ended'; status: 'REJECTED' | 'REVOKED'; reason: string };

/** The actor of what an allowlist change does to requests (history). */
export const ALLOWLIST_ACTOR = 'allowlist';

/** Requests an allowlist change can still reach: not ended, and not already on their way out. */
export function isLive(r: GrantRequest): boolean {
  const live: readonly GrantRequest['status'][] = ['PENDING', 'APPROVED', 'SCHEDULED', 'ACTIVE'];
  return live.includes(r.status) && r.ending === null;
}

/**
 * `ask`: the request as a fresh ask now (ask.ts: liveAsk); `requester`: its requester as resolved now, or null for a
 * grant judged alone (ask.ts: judgedOnGrantAlone).
 */
export function judgeLive(
  r: GrantRequest,
  entries: readonly AllowlistEntry[],
  ask: Ask,
  requester: Identity | null,
): LiveOutcome {
  const choice = chooseEntry(entries, ask, requester);
  if (choice.permitted) {
    return choice.entry.id === r.allowlistEntryId ? { kind: 'kept' } : { kind: 'rematched', entryId: choice.entry.id };
  }
  // Say why in terms of the request's own entry, which its requester and approvers know.
  const own = entries.find((e) => e.id === r.allowlistEntryId);
  const fit = own ? fitOf(own, ask, requester) : null;
  const why = fit && !fit.fits ? fit : choice;
  const change = own ? 'was changed' : 'was deleted';
  return {
    kind: 'ended',
    status: r.status === 'PENDING' ? 'REJECTED' : 'REVOKED',
    reason: `allowlist entry ${r.allowlistEntryId} ${change} and no entry permits this request: ${why.reason} (${why.field})`,
  };
}

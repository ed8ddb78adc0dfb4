/**
 * Revoke an ACTIVE grant, or a SCHEDULED one before it starts (REVOKED at once, nothing applied): by its requester, an
 * eligible approver or an admin.
 * Main course: write the revoke marker (history REVOKE_REQUESTED). The marker makes the grant due at once: the queued
 * work (or, failing that, the sweep) removes the permission and records REVOKED.
 * Output: the request as stored, still ACTIVE with its marker. Failures: NotFoundError (also for a request the caller
 * may not see: who may see it may revoke it), WrongStatusError (not ACTIVE).
 */
import { WrongStatusError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { Clock, RequestStore } from '../ports';
import { isRequesterOf } from '../rulebook/access';
import type { Identity } from '../rulebook/identity';
import { move, note } from '../state-machine';
import type { StandingOf } from './standing';
import { updateWithRetry } from './retry-on-stale';

export interface RevokeDeps {
  store: RequestStore;
  clock: Clock;
  standing: StandingOf;
}

export function makeRevokeRequest({ store, clock, standing }: RevokeDeps) {
  return function revokeRequest(caller: Identity, id: string, reason: string | null): Promise<GrantRequest> {
    return updateWithRetry(store, id, async (current) => {
      if (!isRequesterOf(current, caller)) await standing.seeing(current, caller);
      const at = clock.now();
      // Before its start nothing is applied: it ends at once.
      if (current.status === 'SCHEDULED') {
        return move(current, 'REVOKED', { at, actor: caller.arn, detail: reason ? { reason } : {} });
      }
      if (current.status !== 'ACTIVE') throw new WrongStatusError(id, current.status, 'ACTIVE or SCHEDULED', 'revoked');
      if (current.ending) return current;
      return note(current, 'REVOKE_REQUESTED', {
        at,
        actor: caller.arn,
        detail: reason ? { reason } : {},
        patch: { ending: { as: 'REVOKED', requestedAt: at.toISOString(), actor: caller.arn, reason } },
      });
    });
  };
}

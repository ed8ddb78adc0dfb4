/**
 * Revoke an ACTIVE grant: by its requester, an eligible approver or an admin.
 * Main course: write the revoke marker (history REVOKE_REQUESTED). The marker makes the grant due at once: the queued
 * work (or, failing that, the sweep) removes the permission and records REVOKED.
 * Output: the request as stored, still ACTIVE with its marker. Failures: NotFoundError (also for a request the caller
 * may not see: who may see it may revoke it), WrongStatusError (not ACTIVE).
 */
import { WrongStatusError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { AllowlistStore, Clock, RequestStore } from '../ports';
import { checkMaySee } from '../rules/access';
import type { BrokerSettings } from '../settings';
import { note } from '../state-machine';
import { updateWithRetry } from './update-with-retry';

export interface RevokeDeps {
  store: RequestStore;
  allowlist: AllowlistStore;
  clock: Clock;
  settings: BrokerSettings;
}

export function makeRevokeRequest({ store, allowlist, clock, settings }: RevokeDeps) {
  return function revokeRequest(caller: string, id: string, reason: string | null): Promise<GrantRequest> {
    return updateWithRetry(store, id, async (current) => {
      if (current.requester !== caller) {
        checkMaySee(current, await allowlist.get(current.allowlistEntryId), caller, settings);
      }
      if (current.status !== 'ACTIVE') throw new WrongStatusError(id, current.status, 'ACTIVE', 'revoked');
      if (current.ending) return current;
      const at = clock.now();
      return note(current, 'REVOKE_REQUESTED', {
        at,
        actor: caller,
        detail: reason ? { reason } : {},
        patch: { ending: { as: 'REVOKED', requestedAt: at.toISOString(), actor: caller, reason } },
      });
    });
  };
}

/**
 * The requester withdraws a PENDING request. NotFoundError for callers who may not see it (as for an unknown id),
 * NotRequesterError for others who may; WrongStatusError past PENDING.
 */
import { NotRequesterError, WrongStatusError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { AllowlistStore, Clock, RequestStore } from '../ports';
import { checkMaySee } from '../rules/access';
import type { BrokerSettings } from '../settings';
import { move } from '../state-machine';
import { updateWithRetry } from './update-with-retry';

export function makeCancelRequest(deps: {
  store: RequestStore;
  allowlist: AllowlistStore;
  clock: Clock;
  settings: BrokerSettings;
}) {
  const { store, allowlist, clock, settings } = deps;
  return function cancelRequest(caller: string, id: string): Promise<GrantRequest> {
    return updateWithRetry(store, id, async (current) => {
      if (current.requester !== caller) {
        checkMaySee(current, await allowlist.get(current.allowlistEntryId), caller, settings);
        throw new NotRequesterError('cancel a request');
      }
      if (current.status !== 'PENDING') throw new WrongStatusError(id, current.status, 'PENDING', 'cancelled');
      return move(current, 'CANCELLED', { at: clock.now(), actor: caller });
    });
  };
}

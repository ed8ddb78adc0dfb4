/** The requester withdraws a PENDING request. NotRequesterError for anyone else; WrongStatusError past PENDING. */
import { NotRequesterError, WrongStatusError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { Clock, RequestStore } from '../ports';
import { move } from '../state-machine';
import { updateWithRetry } from './update-with-retry';

export function makeCancelRequest({ store, clock }: { store: RequestStore; clock: Clock }) {
  return function cancelRequest(caller: string, id: string): Promise<GrantRequest> {
    return updateWithRetry(store, id, (current) => {
      if (current.requester !== caller) throw new NotRequesterError('cancel a request');
      if (current.status !== 'PENDING') throw new WrongStatusError(id, current.status, 'PENDING', 'cancelled');
      return move(current, 'CANCELLED', { at: clock.now(), actor: caller });
    });
  };
}

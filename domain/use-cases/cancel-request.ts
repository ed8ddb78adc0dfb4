/** The requester withdraws a PENDING request. ForbiddenError for anyone else; ConflictError past PENDING. */
import { ConflictError, ForbiddenError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { Clock, RequestStore } from '../ports';
import { move } from '../state-machine';
import { updateWithRetry } from './update-with-retry';

export function makeCancelRequest({ store, clock }: { store: RequestStore; clock: Clock }) {
  return function cancelRequest(caller: string, id: string): Promise<GrantRequest> {
    return updateWithRetry(store, id, (current) => {
      if (current.requester !== caller) throw new ForbiddenError('only the requester may cancel a request');
      if (current.status !== 'PENDING')
        throw new ConflictError(`request ${id} is ${current.status}; only PENDING can be cancelled`);
      return move(current, 'CANCELLED', { at: clock.now(), actor: caller });
    });
  };
}

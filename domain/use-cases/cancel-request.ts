/**
 * The requester withdraws a PENDING request, or a SCHEDULED one before it starts (nothing was applied). NotFoundError for callers who may not see it (as for an unknown id),
 * NotRequesterError for others who may; WrongStatusError past PENDING.
 */
import { NotRequesterError, WrongStatusError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { Clock, RequestStore } from '../ports';
import { isRequesterOf } from '../rulebook/access';
import type { Identity } from '../rulebook/identity';
import { move } from '../state-machine';
import type { StandingOf } from './standing';
import { updateWithRetry } from './retry-on-stale';

export function makeCancelRequest(deps: { store: RequestStore; clock: Clock; standing: StandingOf }) {
  const { store, clock, standing } = deps;
  return function cancelRequest(caller: Identity, id: string): Promise<GrantRequest> {
    return updateWithRetry(store, id, async (current) => {
      if (!isRequesterOf(current, caller)) {
        await standing.seeing(current, caller);
        throw new NotRequesterError('cancel a request');
      }
      if (current.status !== 'PENDING' && current.status !== 'SCHEDULED') {
        throw new WrongStatusError(id, current.status, 'PENDING or SCHEDULED', 'cancelled');
      }
      return move(current, 'CANCELLED', { at: clock.now(), actor: caller.arn });
    });
  };
}

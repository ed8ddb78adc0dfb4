/**
 * Optimistic concurrency, written once. `attempt` reads what it needs, decides and writes conditionally; when another
 * writer got there first (StaleRequestError) it runs again on fresh data, up to `attempts` times, then gives up with
 * KeptChangingError, which is retryable: the caller (a queue, a client) may come back.
 */
import { KeptChangingError, NotFoundError, StaleRequestError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { RequestStore } from '../ports';

export async function retryOnStale<T>(id: string, attempt: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; i <= attempts; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleRequestError)) throw error;
    }
  }
  throw new KeptChangingError(id);
}

/**
 * Read-decide-write of one request: `decide` gets the request as stored and returns what to store; returning the very
 * object it was given writes nothing. `known`: the request as the caller just read it, which spares the first read.
 */
export function updateWithRetry(
  store: RequestStore,
  id: string,
  decide: (current: GrantRequest) => GrantRequest | Promise<GrantRequest>,
  options: { known?: GrantRequest; attempts?: number } = {},
): Promise<GrantRequest> {
  let known = options.known;
  return retryOnStale(
    id,
    async () => {
      const current = known ?? (await store.get(id));
      known = undefined;
      if (!current) throw new NotFoundError(`request ${id} not found`);
      const next = await decide(current);
      return next === current ? current : store.update(current, next);
    },
    options.attempts,
  );
}

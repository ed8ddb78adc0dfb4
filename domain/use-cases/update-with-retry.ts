/**
 * Optimistic read-decide-write: re-reads and decides again when another writer got there first. A decision that
 * returns the request unchanged (the very object it was given) writes nothing.
 */
import { KeptChangingError, NotFoundError, StaleRequestError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { RequestStore } from '../ports';

const ATTEMPTS = 8;

export async function updateWithRetry(
  store: RequestStore,
  id: string,
  decide: (current: GrantRequest) => GrantRequest | Promise<GrantRequest>,
): Promise<GrantRequest> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const current = await store.get(id);
    if (!current) throw new NotFoundError(`request ${id} not found`);
    const next = await decide(current);
    if (next === current) return current;
    try {
      return await store.update(current, next);
    } catch (error) {
      if (!(error instanceof StaleRequestError)) throw error;
    }
  }
  throw new KeptChangingError(id);
}

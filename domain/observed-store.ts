/** A RequestStore that tells a listener about each write it made, after it made it. */
import type { GrantRequest } from './model/request';
import type { GrantEventListener, IdempotencyClaim, RequestStore } from './ports';

export function observedStore(store: RequestStore, listener: GrantEventListener): RequestStore {
  return {
    create: async (request: GrantRequest, claim: IdempotencyClaim | null, now: Date) => {
      const outcome = await store.create(request, claim, now);
      if (outcome.created) await listener.recorded(request, request.history);
      return outcome;
    },
    update: async (previous: GrantRequest, next: GrantRequest) => {
      const stored = await store.update(previous, next);
      await listener.recorded(stored, stored.history.slice(previous.history.length));
      return stored;
    },
    findClaim: (caller, key, now) => store.findClaim(caller, key, now),
    get: (id) => store.get(id),
    list: (query) => store.list(query),
    pendingCreatedBy: (cutoff, limit) => store.pendingCreatedBy(cutoff, limit),
    approved: (limit) => store.approved(limit),
    dueActive: (now, limit) => store.dueActive(now, limit),
  };
}

/** One listener that tells several, in order. */
export function allListeners(listeners: readonly GrantEventListener[]): GrantEventListener {
  return {
    recorded: async (request, events) => {
      for (const listener of listeners) await listener.recorded(request, events);
    },
  };
}

/**
 * One requester (person) may have BROKER_MAX_PENDING_PER_REQUESTER requests and extensions waiting for approval at
 * once: one more is refused (429) before anything is stored or posted to Slack. Counted with one read of the
 * person's requests of the pending window (older ones have timed out); asks racing each other may pass it together.
 */
import { TooManyPendingError } from '../errors';
import type { Clock, RequestStore } from '../ports';
import type { Identity } from '../rulebook/identity';
import type { BrokerSettings } from '../settings';

export function makePendingLimit(deps: { store: RequestStore; clock: Clock; settings: BrokerSettings }) {
  const { store, clock, settings } = deps;
  return async function checkPendingLimit(requester: Identity): Promise<void> {
    const limit = settings.maxPendingPerRequester;
    const since = new Date(clock.now().getTime() - settings.pendingTimeoutSeconds * 1000).toISOString();
    if ((await store.pendingBy(requester.person, since, limit)) >= limit) throw new TooManyPendingError(limit);
  };
}

export type CheckPendingLimit = ReturnType<typeof makePendingLimit>;

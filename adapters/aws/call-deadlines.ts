/** CallDeadlines on AsyncLocalStorage: the deadline follows the work into every SDK call it makes. */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallDeadlines, Clock } from '../../domain/ports';

const storage = new AsyncLocalStorage<number>();

/**
 * Deadlines come in the broker's clock; calls wait on the real one. The time left is carried over, so the two agree
 * whatever the broker's clock says (the same clock when deployed; a fixed one in tests).
 */
export function callDeadlinesOn(clock: Clock, now: () => number = Date.now): CallDeadlines {
  return {
    within: (deadline, work) => storage.run(now() + (deadline.getTime() - clock.now().getTime()), work),
  };
}

/** The deadline (epoch ms, real time) of the work this call belongs to, or null outside any. */
export function currentDeadline(): number | null {
  return storage.getStore() ?? null;
}

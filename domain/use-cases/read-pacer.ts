/**
 * Spaces one kind of call evenly: at most `perSecond` of them start in any second, from this process. The reconcile
 * paces its policy reads per account with it, so it takes at most its share of the account's GetPolicy budget and
 * leaves the rest to grants being applied and removed meanwhile (docs/runbook.md, Drift findings).
 */
import type { Clock, Sleep } from '../ports';

export type Pace = () => Promise<void>;

export function makePacer(clock: Clock, sleep: Sleep, perSecond: number): Pace {
  const intervalMs = 1000 / perSecond;
  let nextSlot = 0;
  return async function pace(): Promise<void> {
    const now = clock.now().getTime();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + intervalMs;
    if (slot > now) await sleep(slot - now);
  };
}

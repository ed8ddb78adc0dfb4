/**
 * The exclusive right to do one request's AWS work for a while (the WorkLeases port), held around a piece of work, so
 * that a worker, an answer settling inline, a sweep and a reconcile never work on the same grant at once. Each use is
 * held as `<holder>#<n>`, so two in one process exclude each other too.
 */
import type { WorkLeases } from '../ports';

/** The lease outlives the deadline by this much: the last AWS call started before the deadline may still finish. */
const LEASE_MARGIN_MS = 5_000;

export type Exclusive = <T>(id: string, deadline: Date, work: () => Promise<T>, busy: () => T) => Promise<T>;

export function makeExclusive(deps: { leases: WorkLeases; holder: string }): Exclusive {
  let held = 0;
  return async (id, deadline, work, busy) => {
    const holder = `${deps.holder}#${++held}`;
    if (!(await deps.leases.acquire(id, holder, new Date(deadline.getTime() + LEASE_MARGIN_MS)))) return busy();
    try {
      return await work();
    } finally {
      await deps.leases.release(id, holder).catch(() => undefined);
    }
  };
}

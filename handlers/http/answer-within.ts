/**
 * An answer that waits for the work behind it only so long (docs/api.md, Answers, and the work behind them): whatever
 * `work` has not finished by then goes on behind the answer (the queued work item finishes it if this process does
 * not), and the answer shows `fallback`, the request as already stored.
 */
import type { GrantRequest } from '../../domain/model/request';
import type { SettleRequest } from '../../domain/use-cases/settle-request';

export async function answerWithin<T>(ms: number, work: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([work.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Below this, trying to apply in the answer costs the store more than it can win: the queued work does it. */
const LEAST_WORTH_TRYING_MS = 100;

/**
 * Settles a just-stored request until `dueMs` after `startedAt` (a `performance.now()` reading taken when the
 * operation began), so the whole answer, not just its tail, keeps to its bound however long the decision took.
 */
export function settledByDue(
  settle: Pick<SettleRequest, 'settleSoon'>,
  request: GrantRequest,
  startedAt: number,
  dueMs: number,
): Promise<GrantRequest> {
  const left = Math.floor(dueMs - (performance.now() - startedAt));
  if (left < LEAST_WORTH_TRYING_MS) return Promise.resolve(request);
  return answerWithin(left, settle.settleSoon(request, left), request);
}

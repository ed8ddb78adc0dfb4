/** How a settle writes its outcome: on the request as stored now, and only while the outcome still applies to it. */
import type { GrantRequest } from '../model/request';
import type { RequestStore } from '../ports';
import { updateWithRetry } from './retry-on-stale';

const WRITE_ATTEMPTS = 5;

export type RecordOutcome = (
  request: GrantRequest,
  build: (current: GrantRequest) => GrantRequest,
  stillMine: (current: GrantRequest) => boolean,
) => Promise<{ request: GrantRequest; written: boolean }>;

/** Writes `build(current)` while `stillMine(current)` says the outcome still applies; else leaves it as stored. */
export function makeRecordOutcome(store: RequestStore): RecordOutcome {
  return async function record(request, build, stillMine) {
    let written = false;
    const stored = await updateWithRetry(
      store,
      request.id,
      (current) => {
        written = stillMine(current);
        return written ? build(current) : current;
      },
      { known: request, attempts: WRITE_ATTEMPTS },
    );
    return { request: stored, written };
  };
}

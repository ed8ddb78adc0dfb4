/**
 * Follows an answer that left work going on behind it (APPROVED, or a revoke still removing) until that work is done:
 * on a loaded machine the answer's own time may run out first, and a functional test asserts the outcome, not the
 * time (the bench measures that). Work the answer let go of (queued, as the work queue would run it later) is run
 * here, in the same process, once the work behind the answer has had a few seconds.
 */
import type { App } from '../../handlers/app';
import { ADMIN, who } from './fixtures';

type Body = Record<string, any> | undefined;

const working = (body: Body) => body?.status === 'APPROVED' || (body?.status === 'ACTIVE' && Boolean(body.ending));

/** How long the work behind an answer gets before it is run here. */
const BEHIND_ANSWER_MS = 3_000;

export async function untilWorkDone(app: App, body: Body, timeoutMs = 20_000): Promise<Body> {
  const started = Date.now();
  let latest = body;
  let ranHere = false;
  while (working(latest) && Date.now() - started < timeoutMs) {
    if (!ranHere && Date.now() - started >= BEHIND_ANSWER_MS) {
      ranHere = true;
      await app.settle.settleWithin(latest?.id as string, 20_000);
    } else {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    latest = await app.getRequest(who(ADMIN), latest?.id as string);
  }
  return latest;
}

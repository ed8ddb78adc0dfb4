/**
 * Follows an answer that left work going on behind it (APPROVED, or a revoke still removing) until that work is done:
 * on a loaded machine the answer's own time may run out first, and a functional test asserts the outcome, not the
 * time (the bench measures that).
 */
import type { App } from '../../handlers/app';
import { ADMIN, who } from './fixtures';

type Body = Record<string, any> | undefined;

const working = (body: Body) => body?.status === 'APPROVED' || (body?.status === 'ACTIVE' && Boolean(body.ending));

export async function untilWorkDone(app: App, body: Body, timeoutMs = 15_000): Promise<Body> {
  const deadline = Date.now() + timeoutMs;
  let latest = body;
  while (working(latest) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    latest = await app.getRequest(who(ADMIN), latest?.id as string);
  }
  return latest;
}

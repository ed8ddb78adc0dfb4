/**
 * Spaces calls to at most `perSecond` (Lambda's control plane allows 15 rps per account and Region, shared with the
 * app teams' deploys; the broker takes BROKER_LAMBDA_RPS of it). Installed as SDK middleware, so SDK retries count.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';

type Sleep = (ms: number) => Promise<void>;

export class RateLimiter {
  private nextSlot = 0;
  /** Calls that had to wait for a slot. */
  waited = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async take(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.perSecond;
    if (slot > now) {
      this.waited++;
      await this.sleep(slot - now);
    }
  }
}

/** Makes every attempt of every call on `client` take a slot first. */
export function limitClient(client: LambdaClient, limiter: RateLimiter): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      await limiter.take();
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'brokerRateLimit' },
  );
}

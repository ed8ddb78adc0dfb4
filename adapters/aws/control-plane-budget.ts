/**
 * One Lambda control-plane budget per target account and Region, shared by every broker process (docs/runbook.md,
 * Throttling and the Lambda budget): at most `perSecond` calls may start in any calendar second. Each call counts
 * itself in a per-second counter held in DynamoDB (a conditional write, so every process sees the same count) before it
 * starts. A token bucket would let a burst of its whole capacity through in one second; a per-second counter cannot.
 *
 * - Guard band: a call starting near the end of a second may be counted by Lambda in the next one when calls are slow
 *   (a congested network, a slow emulator's queue), so it holds a slot in every second it may land in. The band is
 *   twice the slowest call of the last 30 s (`observe`), at most 2 s, and nothing while calls are answered within
 *   FAST_CALL_MS: such a call reaches Lambda well inside its second, and the few that land in the next one fit the
 *   share of the account the broker leaves to others (BROKER_LAMBDA_RPS ≤ 15). So against Lambda answering in 100 ms
 *   the budget costs nothing. `guardMs` (a floor) and `coldGuardMs` (the band of a process that has seen no call
 *   lately) default to 0; the local runner and tests set them for moto, whose queue can hold a call most of a second.
 *   When the account is idle a call still starts at once.
 * - Look-ahead: when the second it needs is full, a caller reserves the first later second with room and sleeps
 *   until it begins, instead of every waiter retrying the same second; each process remembers seconds seen full.
 * - Adaptive: a 429 from Lambda fills the account's next `Retry-After` seconds and halves the following ones for
 *   everyone (`penalize`).
 * - Deadlines: a caller whose work must finish by a deadline gets UnavailableError at once (with the time the next
 *   slot would come) instead of a reservation after it.
 */
import { UnavailableError } from '../../domain/errors';
import { oneAtATime } from '../../domain/grants/one-at-a-time';

export type BudgetBucket = 'control' | 'getPolicy';

/** A shared counter of calls per (scope, second). */
export interface SecondCounter {
  /** Counts one call in `second` if fewer than `limit` are counted there; false when it is full. */
  tryTake(scope: string, second: number, limit: number): Promise<boolean>;
  /** Counts `amount` calls in `second` whatever is there (used to block seconds after a throttle). */
  add(scope: string, second: number, amount: number): Promise<void>;
}

export interface BudgetOptions {
  perSecond: number;
  region: string;
  /** The narrowest guard band (default 0). */
  guardMs?: number;
  /** The guard band of a process that has seen no call in the last 30 s (default 0: assume calls are quick). */
  coldGuardMs?: number;
  /** How far ahead a caller without a deadline may reserve. */
  horizonSeconds?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The widest guard band: a call slower than this is counted where it lands whatever the band says. */
const MAX_GUARD_MS = 2000;
/** How much slower than the slowest recent call the next one may be: a queue in front of Lambda varies. */
const LATENCY_HEADROOM = 2;
/** How long an observed call time shapes the band. */
const LATENCY_WINDOW_MS = 30_000;
/** Calls answered within this reach Lambda inside the second they start in, but for a spill its headroom absorbs. */
const FAST_CALL_MS = 250;

/** Seconds blocked after a 429 without Retry-After, and seconds at half rate after that. */
const THROTTLE_BLOCK_SECONDS = 1;
const THROTTLE_HALF_SECONDS = 5;

export class ControlPlaneBudget {
  private readonly guardMs: number;
  private readonly coldGuardMs: number;
  /** Recent calls' times (ms) and when each ended: how much later than its start Lambda may count a call. */
  private recentCalls: { at: number; ms: number }[] = [];
  private readonly horizonSeconds: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Per scope, the latest second this process saw full: nobody reserves below it again. */
  private readonly knownFull = new Map<string, number>();
  private readonly inTurn = oneAtATime();

  constructor(
    private readonly counter: SecondCounter,
    private readonly options: BudgetOptions,
  ) {
    this.guardMs = options.guardMs ?? 0;
    this.coldGuardMs = options.coldGuardMs ?? 0;
    this.horizonSeconds = options.horizonSeconds ?? 120;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  scope(account: string, bucket: BudgetBucket): string {
    return `${account}#${this.options.region}#${bucket}`;
  }

  /** Resolves when this call may start; `deadline` (epoch ms) bounds the wait. */
  async take(account: string, bucket: BudgetBucket, deadline: number | null): Promise<void> {
    const scope = this.scope(account, bucket);
    const held = new Set<number>();
    // Work past its deadline starts no new call (an SDK retry after a long Retry-After, say).
    if (deadline !== null && this.now() > deadline) {
      throw new UnavailableError(`the work calling ${scope} is past its deadline`, { retryAfterMs: 1000 });
    }
    for (;;) {
      // One counting caller per scope at a time in this process: fewer writers racing on one counter item.
      const later = await this.inTurn(scope, () => this.countIn(scope, held, deadline));
      if (later === null) return;
      held.add(later);
      const wait = later * 1000 - this.now();
      if (wait > 0) await this.sleep(wait);
    }
  }

  /**
   * Counts this call in every second a start now needs (its own, and the next one inside the guard band), adding
   * them to `held`; null when covered, else the later second reserved instead (then counted and to be waited for).
   */
  private async countIn(scope: string, held: Set<number>, deadline: number | null): Promise<number | null> {
    for (;;) {
      const missing = this.secondsFor(this.now()).filter((second) => !held.has(second));
      if (missing.length === 0) return null;
      for (const second of missing) {
        const known = second <= (this.knownFull.get(scope) ?? 0);
        if (known || !(await this.counter.tryTake(scope, second, this.perSecond))) {
          this.markFull(scope, second);
          return this.reserve(scope, deadline);
        }
        held.add(second);
      }
      // Time moved while counting: check again what a start now needs.
    }
  }

  /** After a 429: nobody calls this account for the next `retryAfterSeconds`, then half rate for a while. */
  async penalize(account: string, bucket: BudgetBucket, retryAfterSeconds: number | null): Promise<void> {
    const scope = this.scope(account, bucket);
    const first = Math.floor(this.now() / 1000);
    const blocked = Math.max(1, Math.ceil(retryAfterSeconds ?? THROTTLE_BLOCK_SECONDS));
    const writes: Promise<void>[] = [];
    for (let s = first; s < first + blocked; s++) writes.push(this.counter.add(scope, s, this.options.perSecond));
    const half = Math.ceil(this.options.perSecond / 2);
    for (let s = first + blocked; s < first + blocked + THROTTLE_HALF_SECONDS; s++) {
      writes.push(this.counter.add(scope, s, half));
    }
    await Promise.all(writes);
    this.markFull(scope, first + blocked - 1);
  }

  /** How long a call that took a slot took to be answered (the budget middleware reports each one). */
  observe(callMs: number): void {
    const now = this.now();
    this.recentCalls = this.recentCalls.filter((c) => c.at > now - LATENCY_WINDOW_MS).slice(-99);
    this.recentCalls.push({ at: now, ms: callMs });
  }

  private guardBandMs(t: number): number {
    const recent = this.recentCalls.filter((c) => c.at > t - LATENCY_WINDOW_MS);
    if (recent.length === 0) return Math.max(this.guardMs, this.coldGuardMs);
    const slowest = Math.max(...recent.map((c) => c.ms));
    const band = slowest <= FAST_CALL_MS ? 0 : slowest * LATENCY_HEADROOM;
    return Math.min(MAX_GUARD_MS, Math.max(this.guardMs, band));
  }

  /** The seconds a call starting at `t` must be counted in: its own, and each later one inside the guard band. */
  private secondsFor(t: number): number[] {
    const first = Math.floor(t / 1000);
    const last = Math.floor((t + this.guardBandMs(t)) / 1000);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }

  private markFull(scope: string, second: number): void {
    this.knownFull.set(scope, Math.max(this.knownFull.get(scope) ?? 0, second));
  }

  private get perSecond(): number {
    return this.options.perSecond;
  }

  /** The first later second (after the last one seen full) that still had room, now counted for this caller. */
  private async reserve(scope: string, deadline: number | null): Promise<number> {
    const now = this.now();
    let second = Math.max(Math.floor(now / 1000) + 1, (this.knownFull.get(scope) ?? 0) + 1);
    const limit = deadline ?? now + this.horizonSeconds * 1000;
    for (;;) {
      if (second * 1000 > limit) {
        throw new UnavailableError(`the Lambda control-plane budget of ${scope} is used up for now`, {
          retryAfterMs: Math.max(1000, second * 1000 - now),
        });
      }
      if (await this.counter.tryTake(scope, second, this.perSecond)) return second;
      this.markFull(scope, second);
      second++;
    }
  }
}

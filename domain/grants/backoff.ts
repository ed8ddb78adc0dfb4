/** Exponential backoff with full jitter: spreads retries of many callers hitting the same throttle. */

export function backoffMs(attempt: number, baseMs = 100, capMs = 5_000, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));
}

/**
 * Exponential backoff with jitter ("equal jitter": half fixed, half random). The random half spreads the retries of
 * many callers hitting the same throttle; the fixed half guarantees a real pause.
 */

export function backoffMs(attempt: number, baseMs = 100, capMs = 5_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}

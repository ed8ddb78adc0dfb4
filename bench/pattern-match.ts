/** Allowlist pattern matching at its worst (issue #15, finding 3): 2 KiB of `/` against 8 `*` and no match. */
import { matchesPattern } from '../domain/rules/pattern';
import { median, percentile } from './stats';

export function measurePatternWorstCase(samples: number) {
  const prefix = 'arn:aws:execute-api:us-east-1:123456789012:';
  const pattern = `${prefix}${'*/'.repeat(8)}orders`;
  const value = prefix + '/'.repeat(2048 - prefix.length);
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    matchesPattern(pattern, value);
    times.push(performance.now() - started);
  }
  return { valueLength: value.length, wildcards: 8, p50: median(times), p99: percentile(times, 99), samples };
}

/**
 * When a grant may start (docs/api.md, A start time): a `startsAt` lies ahead of the ask, by at most the entry's
 * `maxStartDelaySeconds`.
 */
import { ValidationError } from '../errors';
import { DEFAULT_MAX_START_DELAY_SECONDS, type AllowlistEntry } from '../model/allowlist-entry';

/** Throws a ValidationError naming `startsAt` unless it is a time ahead of `now` within the entry's bound. */
export function checkStartsAt(
  startsAt: string | undefined,
  entry: Pick<AllowlistEntry, 'maxStartDelaySeconds'>,
  now: Date,
): void {
  if (startsAt === undefined) return;
  const at = Date.parse(startsAt);
  if (at <= now.getTime()) throw ValidationError.field('startsAt', `must be in the future (it is ${startsAt})`);
  const bound = entry.maxStartDelaySeconds ?? DEFAULT_MAX_START_DELAY_SECONDS;
  if (at - now.getTime() > bound * 1000) {
    throw ValidationError.field(
      'startsAt',
      `must be at most ${bound} seconds ahead (the entry's maxStartDelaySeconds)`,
    );
  }
}

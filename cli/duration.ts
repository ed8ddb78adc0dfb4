/** Durations on the command line: `3600`, `90m`, `12h`, `7d` → seconds. */
import { UsageError } from './argv';

export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`--duration: "${text}" is not a duration such as 3600, 90m, 12h or 7d`);
  const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * factor;
}

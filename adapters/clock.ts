/** The system clock behind the domain's Clock port. */
import type { Clock } from '../domain/ports';

export const systemClock: Clock = { now: () => new Date() };

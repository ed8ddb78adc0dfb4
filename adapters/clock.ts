/** The system clock behind the domain's Clock port, and real waiting for retries. */
import type { Clock, Sleep } from '../domain/ports';

export const systemClock: Clock = { now: () => new Date() };

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

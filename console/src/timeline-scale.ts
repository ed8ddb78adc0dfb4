/** Where things sit on the grants timeline: a time window around the grants and now, as percentages. */
export interface Span {
  start: number;
  end: number;
}

export interface Scale {
  window: Span;
  /** Position of a time in the window, 0–100. */
  at(time: number): number;
  ticks: number[];
}

const HOUR = 3_600_000;
const TICK_STEPS = [
  5 * 60_000,
  15 * 60_000,
  30 * 60_000,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
  7 * 24 * HOUR,
];

export function scaleFor(spans: Span[], now: number, maxTicks = 6): Scale {
  const start = Math.min(now, ...spans.map((s) => s.start));
  const end = Math.max(now + HOUR / 4, ...spans.map((s) => s.end));
  const pad = (end - start) * 0.03;
  const window = { start: start - pad, end: end + pad };
  const width = window.end - window.start;
  const step = TICK_STEPS.find((s) => width / s <= maxTicks) ?? 7 * 24 * HOUR;
  const ticks: number[] = [];
  for (let t = Math.ceil(window.start / step) * step; t <= window.end; t += step) ticks.push(t);
  return { window, at: (time) => Math.min(100, Math.max(0, ((time - window.start) / width) * 100)), ticks };
}

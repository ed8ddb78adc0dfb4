/**
 * Time that passes only while everything waits: `sleep` parks the caller, and once no other work can run (the next
 * macrotask), the clock jumps to the earliest wake-up and wakes whoever was due. Work side by side (Promise.all)
 * then takes as long in virtual time as it would at once in real time, without a real wait.
 */
import type { FixedClock } from './in-memory';

export function virtualSleep(clock: FixedClock): (ms: number) => Promise<void> {
  const sleepers: { at: number; wake: () => void }[] = [];
  let jumpPlanned = false;

  const jump = () => {
    jumpPlanned = false;
    if (sleepers.length === 0) return;
    const at = Math.min(...sleepers.map((s) => s.at));
    const now = clock.now().getTime();
    if (at > now) clock.advance((at - now) / 1000);
    for (const due of sleepers.filter((s) => s.at <= at)) {
      sleepers.splice(sleepers.indexOf(due), 1);
      due.wake();
    }
    planJump();
  };
  const planJump = () => {
    if (jumpPlanned || sleepers.length === 0) return;
    jumpPlanned = true;
    setImmediate(jump);
  };

  return (ms: number) =>
    new Promise<void>((wake) => {
      sleepers.push({ at: clock.now().getTime() + ms, wake });
      planJump();
    });
}

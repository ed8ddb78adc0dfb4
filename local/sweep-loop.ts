/** The local stand-in for the EventBridge schedule: one sweep every interval, never two at once. */
import type { App } from '../handlers/app';

export function startSweepLoop(app: App, intervalSeconds: number, say: (line: string) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    app
      .sweep({ budgetMs: intervalSeconds * 1000 })
      .then((report) => {
        const { itemsRead: _read, errors, overdue, ...counts } = report;
        const done = Object.entries(counts).filter(([, n]) => n > 0);
        if (done.length > 0) say(`sweep: ${done.map(([k, n]) => `${k}=${n}`).join(' ')}`);
        if (overdue.count > 0) {
          say(`sweep: ${overdue.count} grant(s) overdue for removal, the oldest by ${overdue.oldestSeconds} s`);
        }
        for (const e of errors) say(`sweep: request ${e.requestId} left for the next sweep: ${e.error}`);
      })
      .catch((error: unknown) => say(`sweep failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (running = false));
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

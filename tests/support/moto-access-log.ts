/**
 * moto's access log (werkzeug, one line per request, written when the answer starts) read as Lambda control-plane calls
 * per calendar second: the measure of docs/runbook.md, Throttling and the Lambda budget, taken outside the broker. A
 * line: `127.0.0.1 - - [27/Nov/2026 16:01:02] "POST /2015-03-31/functions/fn/policy HTTP/1.1" 201 -`
 */

export interface LoggedCall {
  /** The calendar second, as logged (`27/Nov/2026 16:01:02`). */
  second: string;
  method: string;
  path: string;
  status: number;
}

const LINE = /\[([^\]]+)\] "([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/;

export function parseAccessLog(text: string): LoggedCall[] {
  const calls: LoggedCall[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (match) {
      calls.push({
        second: match[1] as string,
        method: match[2] as string,
        path: (match[3] as string).split('?')[0] as string,
        status: Number(match[4]),
      });
    }
  }
  return calls;
}

/**
 * Which Lambda budget a logged call counts against: GetPolicy has its own; GetFunction (100 rps of its own) and
 * anything that is not Lambda count against none.
 */
export function lambdaBudgetOf(call: LoggedCall): 'control' | 'getPolicy' | null {
  if (!/^\/20\d\d-\d\d-\d\d\/(functions|event-source-mappings|tags)/.test(call.path)) return null;
  if (call.method === 'GET' && /^\/2015-03-31\/functions\/[^/]+\/policy$/.test(call.path)) return 'getPolicy';
  if (call.method === 'GET' && /^\/2015-03-31\/functions\/[^/]+$/.test(call.path)) return null;
  return 'control';
}

/** Calls per logged second for one budget. */
export function callsPerSecond(calls: readonly LoggedCall[], budget: 'control' | 'getPolicy'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) {
    if (lambdaBudgetOf(call) === budget) counts.set(call.second, (counts.get(call.second) ?? 0) + 1);
  }
  return counts;
}

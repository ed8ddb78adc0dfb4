/**
 * `--wait`: follows a request until it reaches what the command waits for, or another final status. Each state
 * change is printed on stderr as it happens, with the time since the wait began; on a terminal a live line shows
 * that the wait goes on. The request's final form goes to stdout.
 */
import { FINAL_STATUSES, type BrokerRequest } from './api/broker-request';
import type { BrokerClient, ApiResponse } from './broker-client';
import type { Io } from './io';
import type { Paint } from './output/paint';

export interface WaitOptions {
  success: readonly string[];
  timeoutSeconds: number;
  pollMs: number;
  paint: Paint;
}

export type WaitOutcome =
  | { kind: 'reached' | 'ended'; answer: ApiResponse }
  | { kind: 'timeout'; status: string }
  | { kind: 'error'; answer: ApiResponse };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`.padStart(7);

function describe(r: BrokerRequest): string {
  const revoking = r.status === 'ACTIVE' && r.history.at(-1)?.event === 'REVOKE_REQUESTED' ? ', revoke requested' : '';
  return `${r.status} (approvals ${r.approvals.length}/${r.requiredApprovals}${revoking})`;
}

export async function waitForRequest(
  client: BrokerClient,
  id: string,
  io: Io,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const started = io.now();
  const deadline = started + options.timeoutSeconds * 1000;
  const live = io.stderrIsTTY;
  let last = '';
  for (;;) {
    const answer = await client.call('GET', `v1/requests/${encodeURIComponent(id)}`);
    const elapsed = io.now() - started;
    if (live) io.err('\r\x1b[2K');
    if (answer.status !== 200) return { kind: 'error', answer };
    const request = answer.body as BrokerRequest;
    const state = describe(request);
    if (state !== last) io.err(`${options.paint.dim(seconds(elapsed))}  ${id}: ${state}\n`);
    last = state;
    if (options.success.includes(request.status)) return { kind: 'reached', answer };
    if (FINAL_STATUSES.includes(request.status)) return { kind: 'ended', answer };
    if (io.now() >= deadline) return { kind: 'timeout', status: request.status };
    if (live) io.err(options.paint.dim(`${seconds(elapsed)}  waiting… (Ctrl-C stops waiting, not the request)`));
    await io.sleep(options.pollMs);
  }
}

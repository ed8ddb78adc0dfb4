/** API latency over HTTP against the local runner (real sockets, moto behind it): p50/p99 per endpoint. */
import { percentile } from './stats';
import { ADMIN, REQUESTER, openEntry } from '../tests/support/fixtures';
import { startRunner } from '../tests/support/runner';
import type { BenchAws } from './bench-aws';

const QUIET = 'arn:aws:iam::123456789012:role/orders-quiet';

export async function measureApiLatency(aws: BenchAws, samples: number) {
  const runner = await startRunner({
    AWS_ENDPOINT_URL: aws.endpoint,
    BROKER_TABLE_NAME: aws.table,
    // The bench asks many times as one requester.
    BROKER_MAX_PENDING_PER_REQUESTER: '1000',
    BROKER_ADMINS: ADMIN,
    BROKER_SWEEP_INTERVAL_SECONDS: '3600',
  });
  try {
    const call = async (method: string, path: string, principal?: string, body?: unknown) => {
      const started = performance.now();
      const response = await fetch(`${runner.baseUrl}${path}`, {
        method,
        headers: {
          ...(principal ? { 'X-Broker-Principal': principal } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      await response.arrayBuffer();
      if (response.status >= 300) throw new Error(`${method} ${path}: HTTP ${response.status}`);
      return performance.now() - started;
    };
    await call('PUT', '/v1/allowlist/orders', ADMIN, openEntry());
    // What source proof costs per create: the same ask by a requester whose entry reads no source (the policy preview's
    // GetPolicy is read for both).
    await call('PUT', '/v1/allowlist/a-quiet', ADMIN, openEntry({ requesters: [QUIET], sourceProof: 'off' }));
    const ask = {
      functionName: 'order-processor',
      principal: 'sns.amazonaws.com',
      sourceArn: 'arn:aws:sns:us-east-1:123456789012:orders-topic',
      durationSeconds: 3600,
      reason: 'bench api latency',
    };
    const endpoints: [string, () => Promise<number>][] = [
      ['GET /v1/health', () => call('GET', '/v1/health')],
      ['POST /v1/requests (preview, source proof)', () => call('POST', '/v1/requests', REQUESTER, ask)],
      ['POST /v1/requests (preview, sourceProof off)', () => call('POST', '/v1/requests', QUIET, ask)],
      ['GET /v1/requests?limit=25', () => call('GET', '/v1/requests?limit=25', REQUESTER)],
    ];
    const rows = [];
    for (const [name, run] of endpoints) {
      for (let i = 0; i < 5; i++) await run();
      const times: number[] = [];
      for (let i = 0; i < samples; i++) times.push(await run());
      rows.push({ endpoint: name, samples, p50: percentile(times, 50), p99: percentile(times, 99) });
    }
    return rows;
  } finally {
    await runner.stop();
  }
}

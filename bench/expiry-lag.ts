/**
 * Expiry lag (docs/api.md, Answers, and the work behind them): how long after `expiresAt` each grant's statement is
 * really gone, observed from outside by polling GetPolicy, with the sweep at its default 60 s so that only the expiry
 * timers can be on time.
 */
import { createdBody } from './created-body';
import { GetPolicyCommand } from '@aws-sdk/client-lambda';
import { createFunction, testClients } from '../tests/support/aws';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, fnArn, openEntry } from '../tests/support/fixtures';
import { http, settledRequest, startRunner } from '../tests/support/runner';
import type { BenchAws } from './bench-aws';
import { percentile } from './stats';

async function sidsOf(clients: ReturnType<typeof testClients>, name: string): Promise<Set<string>> {
  try {
    const { Policy } = await clients.lambda.send(new GetPolicyCommand({ FunctionName: name }));
    return new Set((JSON.parse(Policy ?? '{}') as { Statement?: { Sid: string }[] }).Statement?.map((s) => s.Sid));
  } catch {
    return new Set();
  }
}

export async function measureExpiryLag(aws: BenchAws, grants: number) {
  const clients = testClients(aws.endpoint);
  const functions = ['lag-a', 'lag-b', 'lag-c'];
  for (const name of functions) await createFunction(clients, name);
  const runner = await startRunner({
    AWS_ENDPOINT_URL: aws.endpoint,
    BROKER_TABLE_NAME: 'bench-expiry',
    // The bench asks many times as one requester.
    BROKER_MAX_PENDING_PER_REQUESTER: '1000',
    BROKER_ADMINS: ADMIN,
    BROKER_MIN_DURATION_SECONDS: '1',
    BROKER_SWEEP_INTERVAL_SECONDS: '60',
  });
  try {
    await http(runner.baseUrl, 'PUT', '/v1/allowlist/lag', {
      principal: ADMIN,
      body: openEntry({ functions: [fnArn('lag-*')] }),
    });
    const active: { statementId: string; functionName: string; expiresAt: number }[] = [];
    for (let i = 0; i < grants; i++) {
      const functionName = functions[i % functions.length] as string;
      const created = await http(runner.baseUrl, 'POST', '/v1/requests', {
        principal: REQUESTER,
        body: {
          ...baseAsk,
          ...PRINCIPAL_CASES[2].ask,
          functionName,
          sourceArn: `arn:aws:sns:us-east-1:123456789012:orders-lag-${i}`,
          // Ends spread over half a minute, well inside one sweep interval.
          durationSeconds: 10 + (i % 20),
        },
      });
      const { id } = createdBody<{ id: string }>(created);
      await http(runner.baseUrl, 'POST', `/v1/requests/${id}/approve`, { principal: APPROVER, body: {} });
      const settled = (await settledRequest(runner.baseUrl, id, REQUESTER, 60_000)) as {
        statementId: string;
        expiresAt: string;
      };
      active.push({ statementId: settled.statementId, functionName, expiresAt: Date.parse(settled.expiresAt) });
    }
    const lags: number[] = [];
    const pending = new Set(active);
    const deadline = Math.max(...active.map((a) => a.expiresAt)) + 90_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const name of functions) {
        const sids = await sidsOf(clients, name);
        for (const grant of [...pending]) {
          if (grant.functionName === name && !sids.has(grant.statementId)) {
            lags.push((Date.now() - grant.expiresAt) / 1000);
            pending.delete(grant);
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return {
      grants,
      removed: lags.length,
      p50: percentile(lags, 50),
      p99: percentile(lags, 99),
      max: Math.max(...lags),
    };
  } finally {
    await runner.stop();
  }
}

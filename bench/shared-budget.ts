/**
 * The shared control-plane budget (docs/runbook.md, Throttling and the Lambda budget), seen in the emulator's own
 * access log: three runners on one table and one moto with BROKER_LAMBDA_RPS=4, 36 approvals at once over 8 functions;
 * the per-second histogram of counted calls and of GetPolicy, and how long until all 36 are ACTIVE.
 */
import { createdBody } from './created-body';
import { startMoto } from '../local/moto';
import { createFunction, testClients } from '../tests/support/aws';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, fnArn, openEntry } from '../tests/support/fixtures';
import { callsPerSecond, parseAccessLog } from '../tests/support/moto-access-log';
import { http, settledRequest, startRunner, type Runner } from '../tests/support/runner';

export async function measureSharedBudget(rps: number) {
  let log = '';
  const moto = await startMoto({ onLog: (chunk) => (log += chunk) });
  const runners: Runner[] = [];
  try {
    const clients = testClients(moto.endpoint);
    const functions = Array.from({ length: 8 }, (_, i) => `burst-${i}`);
    for (const [i, name] of functions.entries()) await createFunction(clients, name, { freshRole: i === 0 });
    const env = {
      AWS_ENDPOINT_URL: moto.endpoint,
      BROKER_TABLE_NAME: 'bench-burst',
      // The bench asks many times as one requester.
      BROKER_MAX_PENDING_PER_REQUESTER: '1000',
      BROKER_ADMINS: ADMIN,
      BROKER_LAMBDA_RPS: String(rps),
    };
    runners.push(...(await Promise.all([startRunner(env), startRunner(env), startRunner(env)])));
    const [first] = runners as [Runner];
    await http(first.baseUrl, 'PUT', '/v1/allowlist/burst', {
      principal: ADMIN,
      body: openEntry({ functions: [fnArn('burst-*')] }),
    });
    const ids: string[] = [];
    for (let i = 0; i < 36; i++) {
      const res = await http(first.baseUrl, 'POST', '/v1/requests', {
        principal: REQUESTER,
        body: {
          ...baseAsk,
          ...PRINCIPAL_CASES[2].ask,
          functionName: functions[i % 8],
          sourceArn: `arn:aws:sns:us-east-1:123456789012:orders-burst-${i}`,
        },
      });
      ids.push(createdBody<{ id: string }>(res).id);
    }
    const from = log.length;
    const started = performance.now();
    await Promise.all(
      ids.map((id, i) =>
        http((runners[i % 3] as Runner).baseUrl, 'POST', `/v1/requests/${id}/approve`, {
          principal: APPROVER,
          body: {},
        }),
      ),
    );
    for (const id of ids) await settledRequest(first.baseUrl, id, REQUESTER, 120_000);
    const seconds = (performance.now() - started) / 1000;
    const calls = parseAccessLog(log.slice(from));
    const histogram = (budget: 'control' | 'getPolicy') => [...callsPerSecond(calls, budget).values()];
    return { rps, seconds, control: histogram('control'), getPolicy: histogram('getPolicy') };
  } finally {
    await Promise.all(runners.map((r) => r.stop()));
    await moto.stop();
  }
}

/**
 * One Lambda control-plane budget per account across every broker process (docs/api.md, Answers, and the work behind
 * them), seen where AWS would see it: in the emulator's own access log. Three local runners share one table and one
 * moto with BROKER_LAMBDA_RPS=4; 12 approvals on 8 functions arrive at once, spread over the three. The budget paces
 * them (their calls spread over at least as many seconds as 4 a second needs); every grant ends ACTIVE; each policy
 * holds exactly its ACTIVE grants. The same burst survives one runner killed (SIGKILL) half way and started again.
 * The exact figure (no calendar second over 4, for a burst of 36) is `npm run bench`'s: the log stamps a call when it
 * is answered, which a loaded machine delays past the second the call started in.
 */
import { startMoto, type MotoServer } from '../../local/moto';
import { createFunction, policyStatements, testClients } from '../support/aws';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, fnArn, openEntry } from '../support/fixtures';
import { callsPerSecond, parseAccessLog } from '../support/moto-access-log';
import { eventually, http, settledRequest, startRunner, type Runner } from '../support/runner';

const RPS = 4;
/** Eight functions per test, so each test's policies hold only its own grants. */
const functionsOf = (tag: string) => Array.from({ length: 8 }, (_, i) => `budget-${tag}-${i}`);
let moto: MotoServer;
let log = '';
let clients: ReturnType<typeof testClients>;

beforeAll(async () => {
  moto = await startMoto({ onLog: (chunk) => (log += chunk) });
  clients = testClients(moto.endpoint);
  for (const [i, name] of [...functionsOf('a'), ...functionsOf('b')].entries()) {
    await createFunction(clients, name, { freshRole: i === 0 });
  }
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

function startBrokers(table: string, n: number): Promise<Runner[]> {
  return Promise.all(Array.from({ length: n }, () => startOne(table)));
}

function startOne(table: string): Promise<Runner> {
  return startRunner({
    AWS_ENDPOINT_URL: moto.endpoint,
    BROKER_TABLE_NAME: table,
    BROKER_ADMINS: ADMIN,
    BROKER_LAMBDA_RPS: String(RPS),
    // Two sweeps, the safety net after a crash, within the test's time.
    BROKER_SWEEP_INTERVAL_SECONDS: '5',
  });
}

const BURST = 12;

/** BURST requests over the 8 functions, created through the first runner. */
async function requestBurst(runner: Runner, tag: string) {
  const entry = openEntry({ functions: [fnArn(`budget-${tag}-*`)] });
  expect((await http(runner.baseUrl, 'PUT', '/v1/allowlist/orders', { principal: ADMIN, body: entry })).status).toBe(
    200,
  );
  const requests = [];
  for (let i = 0; i < BURST; i++) {
    const res = await http(runner.baseUrl, 'POST', '/v1/requests', {
      principal: REQUESTER,
      body: {
        ...baseAsk,
        ...PRINCIPAL_CASES[2].ask,
        functionName: functionsOf(tag)[i % 8],
        sourceArn: `arn:aws:sns:us-east-1:123456789012:orders-${tag}-${i}`,
      },
    });
    expect(res.status).toBe(201);
    requests.push(res.body as { id: string; statementId: string; functionArn: string });
  }
  return requests;
}

/** All approvals at once, round robin over the runners. */
function approveAll(runners: Runner[], requests: { id: string }[]) {
  return Promise.all(
    requests.map((r, i) =>
      http((runners[i % runners.length] as Runner).baseUrl, 'POST', `/v1/requests/${r.id}/approve`, {
        principal: APPROVER,
        body: {},
      }),
    ),
  );
}

/** Every grant ACTIVE, then (after the budget was measured: these reads are the test's own) policies exact. */
async function expectEndState(
  runner: Runner,
  requests: { id: string; statementId: string; functionArn: string }[],
  tag: string,
  measureFrom: number,
) {
  for (const r of requests) {
    expect((await settledRequest(runner.baseUrl, r.id, REQUESTER, 90_000)).status).toBe('ACTIVE');
  }
  expectBudgetPaced(log.slice(measureFrom));
  for (const name of functionsOf(tag)) {
    const sids = (await policyStatements(clients, name)).map((s) => String(s.Sid)).sort();
    const expected = requests.filter((r) => r.functionArn.endsWith(`:${name}`)).map((r) => r.statementId);
    // Exactly the ACTIVE grants: nothing missing, nothing twice, nothing left over.
    expect(sids.filter((sid) => expected.includes(sid))).toEqual([...expected].sort());
    expect(sids).toHaveLength(expected.length);
  }
}

/** The burst reached Lambda, and no faster than the budget lets it: its calls spread over enough seconds. */
function expectBudgetPaced(accessLog: string): void {
  const calls = parseAccessLog(accessLog);
  for (const budget of ['control', 'getPolicy'] as const) {
    const perSecond = callsPerSecond(calls, budget);
    const total = [...perSecond.values()].reduce((a, b) => a + b, 0);
    if (budget === 'control') expect(total).toBeGreaterThanOrEqual(BURST);
    // Without a shared budget the burst lands in a second or two; with one, no fewer seconds than total / RPS.
    expect({ budget, seconds: perSecond.size >= Math.ceil(total / RPS) }).toEqual({ budget, seconds: true });
  }
}

it('paces 12 approvals on three runners by one budget of 4 calls per second, all ACTIVE, policies exact', async () => {
  const runners = await startBrokers('budget-broker', 3);
  try {
    const requests = await requestBurst(runners[0] as Runner, 'a');
    const from = log.length;
    const answers = await approveAll(runners, requests);
    for (const a of answers) expect(a.status).toBe(200);
    await expectEndState(runners[0] as Runner, requests, 'a', from);
  } finally {
    await Promise.all(runners.map((r) => r.stop()));
  }
}, 240_000);

it('reaches the same end state within two sweeps when one runner is killed mid-burst and started again', async () => {
  const runners = await startBrokers('budget-crash-broker', 3);
  let restarted: Runner | null = null;
  try {
    const requests = await requestBurst(runners[0] as Runner, 'b');
    const from = log.length;
    const approving = approveAll(runners, requests);
    // Half way: once some of the burst has been recorded.
    await eventually(async () => {
      const page = await http((runners[0] as Runner).baseUrl, 'GET', '/v1/requests?status=PENDING&limit=100', {
        principal: ADMIN,
      });
      return page.body.items.length <= BURST / 2 ? true : undefined;
    }, 30_000);
    await (runners[2] as Runner).crash();
    await approving.catch(() => undefined);
    // Whatever the killed runner held (leases, received work, unanswered approvals) is finished by the others.
    for (const r of requests) {
      const current = await http((runners[0] as Runner).baseUrl, 'GET', `/v1/requests/${r.id}`, {
        principal: REQUESTER,
      });
      if (current.body.status === 'PENDING') {
        await http((runners[0] as Runner).baseUrl, 'POST', `/v1/requests/${r.id}/approve`, {
          principal: APPROVER,
          body: {},
        });
      }
    }
    restarted = await startOne('budget-crash-broker');
    await expectEndState(restarted, requests, 'b', from);
  } finally {
    await Promise.all([...runners.slice(0, 2), ...(restarted ? [restarted] : [])].map((r) => r.stop()));
  }
}, 240_000);

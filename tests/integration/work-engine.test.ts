/**
 * The engine behind the answers, against moto through the fault proxy: an item that has to wait never holds the others
 * (docs/api.md, Answers, and the work behind them), and a 429 slows the whole account down for every broker process
 * (docs/runbook.md, Throttling and the Lambda budget).
 */
import { generousMs } from '../support/contract-bounds';
import { buildApp, createAwsClients, type App } from '../../handlers/app';
import { loadConfig } from '../../handlers/config';
import {
  approveNow,
  createFunction,
  createQueue,
  freshMoto,
  motoEndpoint,
  policyStatements,
  testClients,
} from '../support/aws';
import { FaultProxy, awsErrors, calls } from '../support/fault-proxy';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../support/fixtures';

const TABLE = 'engine-broker';
let proxy: FaultProxy;
let clients: ReturnType<typeof testClients>;

beforeAll(async () => {
  proxy = new FaultProxy(motoEndpoint());
  await proxy.start();
});

afterAll(async () => {
  await proxy.stop();
});

beforeEach(async () => {
  clients = await freshMoto(TABLE);
  await createFunction(clients, 'order-processor');
  proxy.clear();
});

/** A broker process on the shared table, talking to AWS through the proxy. */
async function brokerProcess(): Promise<App> {
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: proxy.url,
    BROKER_TABLE_NAME: TABLE,
    BROKER_ADMINS: ADMIN,
    BROKER_MIN_DURATION_SECONDS: '1',
  });
  return buildApp(config, createAwsClients(config));
}

async function create(app: App, ask: Record<string, unknown>) {
  const { request } = await app.createRequest({
    caller: who(REQUESTER),
    ask: { ...baseAsk, ...ask },
    dryRun: false,
    idempotencyKey: null,
  });
  return request;
}

it('removes a due invoke grant soon after its end while three event-source grants wait for IAM', async () => {
  const app = await brokerProcess();
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
  // IAM never becomes ready for the three mappings in this test.
  const notReady = proxy.add({
    match: calls.createMapping,
    times: 1_000,
    mode: 'error',
    ...awsErrors.lambdaRoleNotReady(),
  });
  const stuck = [];
  for (let i = 0; i < 3; i++) {
    const r = await create(app, { eventSourceArn: await createQueue(clients, `order-queue-${i}`) });
    await app.decide.approve({ approver: who(APPROVER), id: r.id, comment: null });
    stuck.push(r);
  }
  const invoke = await approveNow(app, (await create(app, { ...PRINCIPAL_CASES[2].ask, durationSeconds: 2 })).id);
  expect(invoke.status).toBe('ACTIVE');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(invoke.expiresAt ?? '') - Date.now())));

  const started = Date.now();
  const report = await app.sweep({ budgetMs: 50_000 });
  const removedAt = Date.now();
  expect(report).toMatchObject({ expired: 1, retryLater: 3 });
  expect(notReady.hits).toBeGreaterThanOrEqual(3);
  expect((await policyStatements(clients, 'order-processor')).map((s) => s.Sid)).not.toContain(invoke.statementId);
  // The waits were rescheduled, not slept through (IAM's grace is minutes): the sweep, and so the removal, took
  // moments.
  expect(removedAt - Date.parse(invoke.expiresAt ?? '')).toBeLessThan(generousMs('expiry'));
  expect(removedAt - started).toBeLessThan(generousMs('expiry'));
  for (const r of stuck) expect((await app.getRequest(who(ADMIN), r.id)).status).toBe('APPROVED');
}, 60_000);

it('slows the whole account down for every broker process when Lambda answers 429', async () => {
  const [one, other] = [await brokerProcess(), await brokerProcess()];
  await one.allowlist.put(who(ADMIN), 'orders', openEntry());
  const first = await create(one, PRINCIPAL_CASES[2].ask);
  const second = await create(other, { ...PRINCIPAL_CASES[2].ask, sourceArn: `${PRINCIPAL_CASES[2].ask.sourceArn}-2` });
  for (const r of [first, second]) await one.decide.approve({ approver: who(APPROVER), id: r.id, comment: null });
  // Process one meets a 429 asking for 3 s of quiet; with only 300 ms to spend it gives its work up for now.
  const throttle = proxy.add({
    match: calls.getPolicy,
    times: 1,
    mode: 'error',
    ...awsErrors.lambdaThrottled(),
    headers: { 'x-amzn-errortype': 'TooManyRequestsException', 'retry-after': '3' },
  });
  const gaveUp = await one.settle.settleWithin(first.id, 300);
  expect(gaveUp.kind).toBe('retry');
  expect(throttle.hits).toBe(1);
  const throttledAt = proxy.seen.find(calls.getPolicy)?.at ?? 0;
  // The other process never saw the 429, yet its first call waits until the account's quiet seconds are over.
  const mark = proxy.seen.length;
  const outcome = await other.settle.settleWithin(second.id, 20_000);
  expect(outcome.request?.status).toBe('ACTIVE');
  const otherFirstCall = proxy.seen.slice(mark).find(calls.getPolicy)?.at ?? 0;
  expect(otherFirstCall).toBeGreaterThanOrEqual((Math.floor(throttledAt / 1000) + 3) * 1000);
}, 60_000);

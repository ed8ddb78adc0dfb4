/**
 * Concurrency against moto: many approvals on one function at once (RevisionId conflicts retried), double-clicked
 * approvals, overlapping sweeps. Nothing lost, nothing applied twice.
 */
import type { App } from '../../handlers/app';
import { approveNow, createFunction, motoApp, policyStatements, testClients } from '../support/aws';
import { ADMIN, APPROVER, REQUESTER, baseAsk, openEntry, who } from '../support/fixtures';
import { FixedClock } from '../support/in-memory';

let app: App;
let clients: ReturnType<typeof testClients>;
let clock: FixedClock;

beforeEach(async () => {
  clock = new FixedClock(new Date());
  ({ app, clients } = await motoApp(
    'concurrency-broker',
    { BROKER_LAMBDA_RPS: '15', BROKER_MAX_PENDING_PER_REQUESTER: '1000' },
    { clock },
  ));
  await createFunction(clients, 'order-processor');
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
});

const create = async (i: number) =>
  (
    await app.createRequest({
      caller: who(REQUESTER),
      ask: {
        ...baseAsk,
        principal: 'sns.amazonaws.com',
        sourceArn: `arn:aws:sns:us-east-1:123456789012:orders-topic-${i}`,
      },
      dryRun: false,
      idempotencyKey: null,
    })
  ).request;

async function brokerSids(): Promise<string[]> {
  return (await policyStatements(clients, 'order-processor'))
    .map((s) => String(s.Sid))
    .filter((s) => s.startsWith('lpb-'))
    .sort();
}

it('applies 50 requests on one function approved at once: 50 statements, none lost', async () => {
  const requests = await Promise.all(Array.from({ length: 50 }, (_, i) => create(i)));
  const decided = await Promise.all(requests.map((r) => approveNow(app, r.id)));
  // Approvals whose apply kept losing the RevisionId race stay APPROVED; the sweep finishes them.
  const leftover = decided.filter((r) => r.status === 'APPROVED').length;
  expect(decided.every((r) => r.status === 'ACTIVE' || r.status === 'APPROVED')).toBe(true);
  const report = await app.sweep();
  expect(report.activated).toBe(leftover);
  expect(await brokerSids()).toEqual(requests.map((r) => r.statementId).sort());
  for (const r of requests) {
    const done = await app.getRequest(who(ADMIN), r.id);
    expect(done.status).toBe('ACTIVE');
    expect(done.history.filter((e) => e.event === 'ACTIVATED')).toHaveLength(1);
  }
}, 120_000);

// moto does not isolate concurrent conditional writes on one item (both can succeed), so a double click is replayed
// one click after the other here; DynamoDB's version condition is what makes the second one lose on AWS.
it('records a double-clicked approval once', async () => {
  await app.allowlist.put(
    who(ADMIN),
    'orders',
    openEntry({ requiredApprovals: 2, approvers: [APPROVER, 'slack:U0123ABCD'] }),
  );
  const r = await create(1);
  const clicks = await Promise.allSettled([
    app.decide.approve({ approver: who(APPROVER), id: r.id, comment: null }),
  ]).then(async (first) => [
    ...first,
    ...(await Promise.allSettled([app.decide.approve({ approver: who(APPROVER), id: r.id, comment: null })])),
  ]);
  expect(clicks.filter((c) => c.status === 'rejected')).toHaveLength(1);
  const after = await app.getRequest(who(ADMIN), r.id);
  expect(after.status).toBe('PENDING');
  expect(after.approvals.map((a) => a.approver)).toEqual([APPROVER]);
});

it('lets overlapping sweeps end each grant exactly once', async () => {
  const requests = await Promise.all(Array.from({ length: 5 }, (_, i) => create(i)));
  for (const r of requests) await approveNow(app, r.id);
  expect(await brokerSids()).toHaveLength(5);
  clock.advance(3600);
  const [a, b] = await Promise.all([app.sweep(), app.sweep()]);
  expect(a.expired + b.expired).toBe(5);
  expect(a.retryLater + b.retryLater).toBe(0);
  expect(await brokerSids()).toEqual([]);
  for (const r of requests) {
    expect((await app.getRequest(who(ADMIN), r.id)).history.filter((e) => e.event === 'EXPIRED')).toHaveLength(1);
  }
}, 60_000);

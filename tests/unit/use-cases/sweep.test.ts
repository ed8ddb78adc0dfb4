import { RoleNotReadyError, UnavailableError } from '../../../domain/errors';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, fnArn, openEntry, who } from '../../support/fixtures';
import { inMemoryApp } from '../../support/in-memory-app';

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:order-queue';
const DELETED_ROLE = 'arn:aws:iam::123456789012:role/deleted-exec';

async function setup() {
  const ctx = inMemoryApp();
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry({ functions: [fnArn('*')] }));
  const create = async (ask: Record<string, unknown> = PRINCIPAL_CASES[2].ask) =>
    (
      await ctx.app.createRequest({
        caller: who(REQUESTER),
        ask: { ...baseAsk, ...ask },
        dryRun: false,
        idempotencyKey: null,
      })
    ).request;
  /** Approved, with its queued work lost (a crash, a broken queue): only the sweep will find it. */
  const approvedOnly = async (ask?: Record<string, unknown>) => {
    const request = await create(ask);
    await ctx.app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
    return request;
  };
  return { ...ctx, create, approvedOnly };
}

describe('the sweep', () => {
  it('ends due grants before it applies approved ones', async () => {
    const { app, approvedOnly, drain, clock, policies, scheduler } = await setup();
    const old = await approvedOnly();
    await drain();
    scheduler.scheduled.length = 0;
    clock.advance(3600);
    await approvedOnly();
    const order: string[] = [];
    const add = policies.add.bind(policies);
    const remove = policies.remove.bind(policies);
    policies.add = (...args) => (order.push('add'), add(...args));
    policies.remove = (...args) => (order.push('remove'), remove(...args));
    const report = await app.sweep();
    expect(report).toMatchObject({ expired: 1, activated: 1 });
    expect(order).toEqual(['remove', 'add']);
    expect((await app.getRequest(who(ADMIN), old.id)).status).toBe('EXPIRED');
  });

  it('finding 2: ends every poison item FAILED with its reason and still applies the legitimate request', async () => {
    const { app, approvedOnly, functions, roles, policies } = await setup();
    // 150 SQS grants on a function whose execution role was deleted: IAM refuses them for good.
    (functions as unknown as { known: Record<string, unknown> }).known['poisoned'] = {
      functionArn: fnArn('poisoned'),
      roleArn: DELETED_ROLE,
    };
    roles.deleted.add(DELETED_ROLE);
    const poison = [];
    for (let i = 0; i < 150; i++) poison.push(await approvedOnly({ functionName: 'poisoned', eventSourceArn: QUEUE }));
    const legit = await approvedOnly();
    const report = await app.sweep();
    expect(report).toMatchObject({ failed: 150, activated: 1, retryLater: 0 });
    expect((await app.getRequest(who(ADMIN), legit.id)).status).toBe('ACTIVE');
    expect(policies.statements(fnArn('order-processor'))).toHaveLength(1);
    for (const r of poison) {
      expect(await app.getRequest(who(ADMIN), r.id)).toMatchObject({
        status: 'FAILED',
        failure: { reason: expect.stringContaining('does not exist') as unknown },
      });
    }
  });

  it('pages past items that stay due, so 150 that must wait do not starve the one behind them', async () => {
    const { app, approvedOnly, policies } = await setup();
    const waiting = [];
    for (let i = 0; i < 150; i++) {
      waiting.push(await approvedOnly({ ...PRINCIPAL_CASES[2].ask, functionName: 'order-auditor' }));
    }
    const legit = await approvedOnly();
    const read = policies.read.bind(policies);
    policies.read = (target) =>
      target.functionName === fnArn('order-auditor') ? Promise.reject(new UnavailableError('throttled')) : read(target);
    const report = await app.sweep();
    expect(report).toMatchObject({ activated: 1, retryLater: 150 });
    expect(report.itemsRead).toBe(151);
    expect((await app.getRequest(who(ADMIN), legit.id)).status).toBe('ACTIVE');
  });

  it('does not sleep through IAM propagation: the item is left for later and the sweep goes on', async () => {
    const { app, approvedOnly, mappings, sleeps } = await setup();
    const stuck = [];
    for (let i = 0; i < 3; i++) stuck.push(await approvedOnly({ eventSourceArn: `${QUEUE}-${i}` }));
    mappings.failures.create = stuck.map(() => new RoleNotReadyError());
    const invoke = await approvedOnly();
    const report = await app.sweep();
    expect(report).toMatchObject({ activated: 1, retryLater: 3 });
    expect(sleeps).toEqual([]);
    expect((await app.getRequest(who(ADMIN), invoke.id)).status).toBe('ACTIVE');
  });

  it('starts nothing after its time budget', async () => {
    const { app, approvedOnly, clock, policies } = await setup();
    for (let i = 0; i < 5; i++) await approvedOnly();
    const read = policies.read.bind(policies);
    // every policy read takes 4 s of the broker's clock
    policies.read = (target) => {
      clock.advance(4);
      return read(target);
    };
    const report = await app.sweep({ budgetMs: 10_000 });
    expect(report.activated).toBeLessThan(5);
    expect(report.activated).toBeGreaterThan(0);
  });
});

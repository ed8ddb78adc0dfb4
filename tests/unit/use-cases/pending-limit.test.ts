/** BROKER_MAX_PENDING_PER_REQUESTER: one person's waiting requests and extensions are capped; nothing more is stored. */
import { TooManyPendingError } from '../../../domain/errors';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../../support/fixtures';
import { inMemoryApp } from '../../support/in-memory-app';

const DEV = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_1a2b/alice@example.com';
const LEAD = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Lead_3c4d/Alice@example.com';

async function setup(limit: number) {
  const ctx = inMemoryApp({ BROKER_MAX_PENDING_PER_REQUESTER: String(limit) });
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry({ requesters: [REQUESTER, 'arn:aws:iam::*:role/*'] }));
  const ask = (caller: string, overrides: Record<string, unknown> = {}, dryRun = false) =>
    ctx.app.createRequest({
      caller: who(caller),
      ask: { ...baseAsk, ...PRINCIPAL_CASES[2].ask, ...overrides },
      dryRun,
      idempotencyKey: null,
    });
  return { ...ctx, ask };
}

describe('waiting requests per requester', () => {
  it('refuses one more than the limit, for the person under any session, storing nothing', async () => {
    const { ask, store } = await setup(3);
    for (const caller of [DEV, LEAD, DEV]) await ask(caller);
    await expect(ask(LEAD)).rejects.toThrow(TooManyPendingError);
    await expect(ask(DEV)).rejects.toThrow(/3 requests waiting for approval/);
    expect(store.requests.size).toBe(3);
    // Somebody else is not held back, and a dry run stores nothing and counts nothing.
    await expect(ask(REQUESTER)).resolves.toMatchObject({ request: { status: 'PENDING' } });
    await expect(ask(DEV, {}, true)).resolves.toMatchObject({ request: { id: expect.any(String) as unknown } });
  });

  it('counts again once some are decided', async () => {
    const { ask, app } = await setup(1);
    const { request } = await ask(REQUESTER);
    await expect(ask(REQUESTER)).rejects.toThrow(TooManyPendingError);
    await app.decide.reject({ approver: who(APPROVER), id: request.id, comment: null });
    await expect(ask(REQUESTER)).resolves.toMatchObject({ request: { status: 'PENDING' } });
  });

  it('lets auto-approved asks through: they never wait', async () => {
    const { ask, app } = await setup(1);
    await app.allowlist.put(
      who(ADMIN),
      'auto',
      openEntry({ requesters: [REQUESTER], autoApprove: true, requiredApprovals: 0, approvers: [] }),
    );
    await app.allowlist.delete(who(ADMIN), 'orders');
    await ask(REQUESTER);
    await expect(ask(REQUESTER)).resolves.toMatchObject({ request: { status: 'APPROVED' } });
  });

  it('counts a waiting extension like a waiting request', async () => {
    const { ask, app, drain } = await setup(1);
    const { request } = await ask(REQUESTER);
    await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
    await drain();
    const extend = () =>
      app.extendRequest({
        caller: who(REQUESTER),
        id: request.id,
        durationSeconds: 600,
        reason: 'the release runs late',
        ticket: null,
      });
    await extend();
    await expect(ask(REQUESTER)).rejects.toThrow(TooManyPendingError);
  });
});

import { NotAdminError, NotFoundError, ValidationError } from '../../../domain/errors';
import { ADMIN, APPROVER, REQUESTER, STRANGER, openEntry, who } from '../../support/fixtures';
import { inMemoryApp, newRequest } from '../../support/in-memory-app';

async function withRequest() {
  const ctx = inMemoryApp();
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  const request = await newRequest(ctx.app);
  return { ...ctx, request };
}

const list = (caller: string) => ({
  caller: who(caller),
  status: null,
  functionName: null,
  limit: 25,
  nextToken: null,
});

describe('reading requests', () => {
  it.each([REQUESTER, APPROVER, ADMIN])('shows a request to %s', async (caller) => {
    const { app, request } = await withRequest();
    await expect(app.getRequest(who(caller), request.id)).resolves.toMatchObject({ id: request.id });
  });

  it('hides a request from anyone else as if it did not exist', async () => {
    const { app, request } = await withRequest();
    await expect(app.getRequest(who(STRANGER), request.id)).rejects.toThrow(NotFoundError);
    await expect(app.getRequest(who(REQUESTER), 'no-such-id')).rejects.toThrow(NotFoundError);
  });

  it('stops showing a request to an approver removed from the entry', async () => {
    const { app, request } = await withRequest();
    await app.allowlist.put(who(ADMIN), 'orders', openEntry({ approvers: ['slack:U0123ABCD'] }));
    await expect(app.getRequest(who(APPROVER), request.id)).rejects.toThrow(NotFoundError);
  });

  it('lists what a caller requested or may approve; admins see all; others nothing', async () => {
    const { app, request } = await withRequest();
    for (const caller of [REQUESTER, APPROVER, ADMIN]) {
      expect((await app.listRequests(list(caller))).items.map((r) => r.id)).toEqual([request.id]);
    }
    expect((await app.listRequests(list(STRANGER))).items).toEqual([]);
  });
});

describe('managing the allowlist', () => {
  it('is for admins only', async () => {
    const { app } = inMemoryApp();
    await expect(app.allowlist.put(who(REQUESTER), 'x', openEntry())).rejects.toThrow(NotAdminError);
    await expect(app.allowlist.list(who(REQUESTER))).rejects.toThrow(NotAdminError);
    await expect(app.allowlist.get(who(REQUESTER), 'x')).rejects.toThrow(NotAdminError);
    await expect(app.allowlist.delete(who(REQUESTER), 'x')).rejects.toThrow(NotAdminError);
  });

  it('creates, replaces, reads and deletes an entry', async () => {
    const { app } = inMemoryApp();
    const created = await app.allowlist.put(who(ADMIN), 'orders', openEntry());
    expect(created).toMatchObject({ id: 'orders', updatedBy: ADMIN, updatedAt: '2026-11-26T12:00:00.000Z' });
    await app.allowlist.put(who(ADMIN), 'orders', openEntry({ maxDurationSeconds: 600 }));
    await expect(app.allowlist.get(who(ADMIN), 'orders')).resolves.toMatchObject({ maxDurationSeconds: 600 });
    await app.allowlist.delete(who(ADMIN), 'orders');
    await expect(app.allowlist.get(who(ADMIN), 'orders')).rejects.toThrow(NotFoundError);
    await expect(app.allowlist.delete(who(ADMIN), 'orders')).rejects.toThrow(NotFoundError);
  });

  it.each([
    [{ requiredApprovals: 0 }, 'requiredApprovals'],
    [{ approvers: [] }, 'approvers'],
    [{ maxDurationSeconds: 60 }, 'maxDurationSeconds'],
    [{ maxDurationSeconds: 32 * 86400 }, 'maxDurationSeconds'],
  ])('refuses %p', async (overrides, field) => {
    const { app, allowlist } = inMemoryApp();
    await expect(app.allowlist.put(who(ADMIN), 'orders', openEntry(overrides))).rejects.toMatchObject({
      constructor: ValidationError,
      details: [{ path: field }],
    });
    expect(allowlist.entries.size).toBe(0);
  });

  it.each([
    [{ functions: ['order-*'] }, 'functions.0'],
    [{ approvers: [APPROVER], requiredApprovals: 2 }, 'requiredApprovals'],
  ])('refuses what can never match, %p, and stores nothing', async (overrides, field) => {
    const { app, allowlist } = inMemoryApp();
    await expect(app.allowlist.put(who(ADMIN), 'orders', openEntry(overrides))).rejects.toMatchObject({
      constructor: ValidationError,
      details: [{ path: field }],
    });
    expect(allowlist.entries.size).toBe(0);
  });

  it('stores what is legal but risky, and answers with warnings', async () => {
    const { app, allowlist } = inMemoryApp();
    const stored = await app.allowlist.put(who(ADMIN), 'open', openEntry({ principals: ['*'], requesters: ['*'] }));
    expect(stored.warnings).toEqual([
      'principals.0: "*" matches principals in every account, and the public principal *',
      'requesters.0: "*" matches callers in every account',
    ]);
    expect(allowlist.entries.get('open')).not.toHaveProperty('warnings');
    expect((await app.allowlist.put(who(ADMIN), 'orders', openEntry())).warnings).toEqual([]);
  });

  it('lets an auto-approving entry name no approvers', async () => {
    const { app } = inMemoryApp();
    await expect(
      app.allowlist.put(who(ADMIN), 'auto', openEntry({ autoApprove: true, requiredApprovals: 0, approvers: [] })),
    ).resolves.toMatchObject({ autoApprove: true });
  });
});

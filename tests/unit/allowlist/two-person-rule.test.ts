/**
 * The two-person rule (docs/allowlist-as-code.md, The two-person rule), through the HTTP pipeline over in-memory
 * ports: with BROKER_ALLOWLIST_CHANGE_APPROVALS=1 a PUT or DELETE is a proposal (202) that changes nothing until
 * another admin approves it; the proposer never counts; approval applies it against the version it was proposed on.
 */
import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import { allowlistChangeResource } from '../../../handlers/http/response-schemas';
import { ADMIN, REQUESTER, openEntry, who } from '../../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext, newRequest } from '../../support/in-memory-app';

const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
const SECOND_ADMIN = 'arn:aws:iam::123456789012:role/second-admin';

type Json = Record<string, any>;

function setup(approvals = '1') {
  const ctx = inMemoryApp({
    BROKER_ADMINS: `${ADMIN},${SECOND_ADMIN}`,
    BROKER_ALLOWLIST_CHANGE_APPROVALS: approvals,
  });
  const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
  const call = async (
    method: string,
    resource: string,
    options: {
      path?: string;
      params?: Record<string, string>;
      body?: unknown;
      as?: string;
      query?: Record<string, string>;
      headers?: Record<string, string>;
    } = {},
  ) => {
    const res = await handler(
      apiEvent(method, resource, {
        path: options.path ?? resource,
        pathParameters: options.params ?? {},
        query: options.query ?? {},
        ...(options.body === undefined ? {} : { body: options.body }),
        headers: { 'X-Broker-Principal': options.as ?? ADMIN, ...options.headers },
      }),
      lambdaContext,
    );
    return { status: res.statusCode, json: (res.body ? JSON.parse(res.body) : null) as Json };
  };
  const put = (id: string, body: unknown, as = ADMIN, headers: Record<string, string> = {}) =>
    call('PUT', '/v1/allowlist/{entryId}', { path: `/v1/allowlist/${id}`, params: { entryId: id }, body, as, headers });
  const decide = (changeId: string, verb: 'approve' | 'reject', as = SECOND_ADMIN) =>
    call('POST', `/v1/allowlist/changes/{changeId}/${verb}`, {
      path: `/v1/allowlist/changes/${changeId}/${verb}`,
      params: { changeId },
      body: { comment: 'looked at it' },
      as,
    });
  return { ...ctx, call, put, decide };
}

describe('the two-person rule', () => {
  it('turns a PUT into a proposal that changes nothing until another admin approves it', async () => {
    const { put, decide, call, allowlist, drain, published } = setup();
    const proposed = await put('orders', openEntry());
    expect(proposed.status).toBe(202);
    expect(allowlistChangeResource.safeParse(proposed.json).error).toBeUndefined();
    expect(proposed.json).toMatchObject({
      entryId: 'orders',
      action: 'put',
      body: openEntry(),
      proposedBy: ADMIN,
      status: 'PENDING',
      baseVersion: null,
      impact: { kept: [], rematched: [], ended: [] },
    });
    expect(proposed.json.diff.map((d: Json) => d.field)).toContain('functions');
    expect(allowlist.entries.has('orders')).toBe(false);
    const pending = await call('GET', '/v1/allowlist/changes', { query: { status: 'PENDING' } });
    expect(pending.json.items.map((c: Json) => c.id)).toEqual([proposed.json.id]);

    // The proposer never counts, not even under another session of the same role.
    expect((await decide(proposed.json.id, 'approve', ADMIN)).status).toBe(403);
    expect((await decide(proposed.json.id, 'reject', ADMIN)).status).toBe(403);
    expect(allowlist.entries.has('orders')).toBe(false);

    const approved = await decide(proposed.json.id, 'approve');
    expect(approved).toMatchObject({
      status: 200,
      json: { status: 'APPROVED', decidedBy: SECOND_ADMIN, comment: 'looked at it' },
    });
    expect(allowlist.entries.get('orders')).toMatchObject({ version: 1, updatedBy: ADMIN });
    expect((await decide(proposed.json.id, 'approve')).status).toBe(409);

    await drain();
    // The entry is written first, then the approval recorded: the stream gives them in that order.
    expect(published.map((e) => e.detailType)).toEqual([
      'Allowlist Change Proposed',
      'Allowlist Entry Changed',
      'Allowlist Change Approved',
    ]);
    expect(published[2]?.detail).toMatchObject({ id: proposed.json.id, decidedBy: SECOND_ADMIN });
  });

  it('shows what a change would do to live grants, field by field', async () => {
    const { app, put, decide, drain } = setup();
    await decide((await put('orders', openEntry())).json.id, 'approve');
    const live = await newRequest(app);
    await drain();
    const narrowed = await put('orders', openEntry({ principals: ['987654321098'] }));
    expect(narrowed.json.diff).toEqual([
      expect.objectContaining({ field: 'principals', removed: expect.arrayContaining(['sns.amazonaws.com']) }),
    ]);
    expect(narrowed.json.impact.ended).toEqual([
      { id: live.id, status: 'REJECTED', reason: expect.stringMatching(/principal sns\.amazonaws\.com/) },
    ]);
    expect((await app.getRequest(who(ADMIN), live.id)).status).toBe('PENDING');
  });

  it('rejects: nothing changes; a DELETE is a proposal too; approvals apply against the version proposed on', async () => {
    const { put, decide, allowlist, call } = setup();
    const first = await put('orders', openEntry());
    await decide(first.json.id, 'approve');
    const narrower = await put('orders', openEntry({ maxDurationSeconds: 600 }), ADMIN, { 'If-Match': '"1"' });
    const wider = await put('orders', openEntry({ maxDurationSeconds: 7200 }), SECOND_ADMIN);
    expect([narrower.json.baseVersion, wider.json.baseVersion]).toEqual([1, 1]);
    expect(narrower.json.diff).toEqual([{ field: 'maxDurationSeconds', before: 86400, after: 600 }]);
    // A stale precondition is refused at once, as a write would be.
    expect((await put('orders', openEntry(), ADMIN, { 'If-Match': '"7"' })).status).toBe(412);

    expect((await decide(wider.json.id, 'approve', ADMIN)).json.status).toBe('APPROVED');
    const stale = await decide(narrower.json.id, 'approve');
    expect(stale).toMatchObject({
      status: 409,
      json: { error: { message: expect.stringMatching(/version 2, not version 1/) } },
    });
    expect(allowlist.entries.get('orders')).toMatchObject({ version: 2, maxDurationSeconds: 7200 });
    expect((await decide(narrower.json.id, 'reject')).json.status).toBe('REJECTED');
    expect(allowlist.entries.get('orders')?.version).toBe(2);

    const deletion = await call('DELETE', '/v1/allowlist/{entryId}', {
      path: '/v1/allowlist/orders',
      params: { entryId: 'orders' },
    });
    expect(deletion).toMatchObject({ status: 202, json: { action: 'delete', body: null, baseVersion: 2 } });
    expect(allowlist.entries.has('orders')).toBe(true);
    await decide(deletion.json.id, 'approve');
    expect(allowlist.entries.has('orders')).toBe(false);
    const all = await call('GET', '/v1/allowlist/changes');
    expect(all.json.items.map((c: Json) => c.status).sort()).toEqual(['APPROVED', 'APPROVED', 'APPROVED', 'REJECTED']);
  });

  it('lets only admins propose, list and decide', async () => {
    const { put, call, decide } = setup();
    const proposed = await put('orders', openEntry());
    expect((await put('orders', openEntry(), REQUESTER)).status).toBe(403);
    expect((await call('GET', '/v1/allowlist/changes', { as: REQUESTER })).status).toBe(403);
    expect((await decide(proposed.json.id, 'approve', REQUESTER)).status).toBe(403);
    expect((await decide('no-such-change', 'approve')).status).toBe(404);
  });
});

import { NOT_COVERED } from '../../../domain/rulebook/choose-entry';
import { AllowlistDeniedError } from '../../../domain/errors';
import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import {
  ADMIN,
  APPROVER,
  PRINCIPAL_CASES,
  REQUESTER,
  STRANGER,
  baseAsk,
  fnArn,
  openEntry,
  who,
} from '../../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext } from '../../support/in-memory-app';

const BILLING_CI = 'arn:aws:iam::123456789012:role/billing-ci';

async function withEntries() {
  const ctx = inMemoryApp();
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry({ slackChannel: 'C0123ABCD' }));
  await ctx.app.allowlist.put(
    who(ADMIN),
    'billing',
    openEntry({ functions: [fnArn('billing-*')], requesters: [BILLING_CI], description: 'billing team' }),
  );
  await ctx.app.allowlist.put(
    who(ADMIN),
    'audit',
    openEntry({ functions: [fnArn('order-auditor')], requesters: [REQUESTER, BILLING_CI], maxDurationSeconds: 600 }),
  );
  return ctx;
}

describe('the catalog', () => {
  it('shows a caller the entries that list it, in the order they are tried, with what each allows', async () => {
    const { app } = await withEntries();
    const items = await app.catalog(who(REQUESTER));
    expect(items.map((i) => i.entryId)).toEqual(['audit', 'orders']);
    const entry = openEntry({ slackChannel: 'C0123ABCD' });
    expect(items[1]).toEqual({
      entryId: 'orders',
      description: entry.description,
      functions: entry.functions,
      principals: entry.principals,
      sourceArns: entry.sourceArns,
      eventSourceArns: entry.eventSourceArns,
      principalOrgIds: entry.principalOrgIds,
      sourceAccounts: null,
      maxDurationSeconds: 86400,
      requiredApprovals: 1,
      autoApprove: false,
      approvers: [APPROVER, 'slack:U0123ABCD'],
      approverGroups: [],
      approvalSteps: [],
      maxStartDelaySeconds: 604800,
    });
  });

  it('never shows who else may ask, the Slack channel or who edited the entry', async () => {
    const { app } = await withEntries();
    for (const item of await app.catalog(who(REQUESTER))) {
      expect(item).not.toHaveProperty('requesters');
      expect(item).not.toHaveProperty('slackChannel');
      expect(item).not.toHaveProperty('updatedBy');
    }
  });

  it('leaves out entries that do not list the caller, not even counting them', async () => {
    const { app } = await withEntries();
    expect((await app.catalog(who(BILLING_CI))).map((i) => i.entryId)).toEqual(['audit', 'billing']);
    expect(await app.catalog(who(STRANGER))).toEqual([]);
    // Admins manage the allowlist; the catalog is about what the caller itself may ask for.
    expect(await app.catalog(who(ADMIN))).toEqual([]);
  });

  it('is pointed to by every denial', async () => {
    const { app } = await withEntries();
    const denied = app.createRequest({
      caller: who(STRANGER),
      ask: { ...baseAsk, ...PRINCIPAL_CASES[2].ask },
      dryRun: false,
      idempotencyKey: null,
    });
    await expect(denied).rejects.toThrow(AllowlistDeniedError);
    await expect(denied).rejects.toThrow(/see GET \/v1\/catalog/);
  });
});

describe('GET /v1/catalog', () => {
  const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
  const get = async (caller: string | null, query?: Record<string, string>) => {
    const ctx = await withEntries();
    const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
    const res = await handler(
      apiEvent('GET', '/v1/catalog', {
        headers: caller ? { 'X-Broker-Principal': caller } : {},
        ...(query ? { query } : {}),
      }),
      lambdaContext,
    );
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, any> };
  };

  it('answers any authenticated caller with its items', async () => {
    const res = await get(REQUESTER);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { entryId: string }) => i.entryId)).toEqual(['audit', 'orders']);
    expect(await get(STRANGER)).toEqual({ status: 200, body: { items: [] } });
  });

  it('answers 401 without an identity and 400 for a query parameter', async () => {
    expect((await get(null)).status).toBe(401);
    expect((await get(REQUESTER, { entry: 'orders' })).body.error.details).toEqual([
      { path: 'entry', message: 'entry is not a known field' },
    ]);
  });

  it('is named in the 403 of a denied request', async () => {
    const ctx = await withEntries();
    const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
    const res = await handler(
      apiEvent('POST', '/v1/requests', {
        body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask },
        headers: { 'X-Broker-Principal': STRANGER },
      }),
      lambdaContext,
    );
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error).toMatchObject({
      code: 'Forbidden',
      message: expect.stringContaining('see GET /v1/catalog (lpb catalog) for what you may ask for'),
      details: [{ path: 'functionName', message: NOT_COVERED }],
    });
  });
});

/**
 * GET /v1/audit (docs/audit.md, Reading the trail), through the HTTP pipeline over in-memory ports: history events
 * across requests in time order, paged; filtered by function and requester; admins and BROKER_AUDITORS only.
 */
import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, openEntry, who } from '../../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext, newRequest } from '../../support/in-memory-app';

const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
const AUDITOR = 'arn:aws:iam::123456789012:role/security-auditor';
const OTHER_REQUESTER = 'arn:aws:iam::123456789012:role/orders-batch';

interface Page {
  items: { requestId: string; event: string; at: string; sequence: number; functionArn: string; requester: string }[];
  nextToken: string | null;
}

async function setup() {
  const ctx = inMemoryApp({ BROKER_AUDITORS: 'arn:aws:iam::123456789012:role/security-*' });
  await ctx.app.allowlist.put(
    who(ADMIN),
    'orders',
    openEntry({ requesters: [...openEntry().requesters, OTHER_REQUESTER] }),
  );
  const ids: string[] = [];
  for (const requester of [REQUESTER, OTHER_REQUESTER, REQUESTER]) {
    ids.push((await newRequest(ctx.app, PRINCIPAL_CASES[2].ask, requester)).id);
    ctx.clock.advance(10);
    await ctx.drain();
  }
  await ctx.app.decide.approve({ approver: who(APPROVER), id: ids[0] ?? '', comment: null });
  ctx.clock.advance(10);
  await ctx.drain();
  const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
  const read = async (as: string, query: Record<string, string> = {}) => {
    const res = await handler(
      apiEvent('GET', '/v1/audit', { query, headers: { 'X-Broker-Principal': as } }),
      lambdaContext,
    );
    return { status: res.statusCode, body: JSON.parse(res.body) as Page & { error?: { code: string } } };
  };
  return { ...ctx, ids, read };
}

describe('GET /v1/audit', () => {
  it('answers every history event of the window across requests, in time order, for an admin and an auditor', async () => {
    const { read, ids, store } = await setup();
    const all = [];
    for (const id of ids)
      all.push(...((await store.get(id))?.history ?? []).map((h, i) => ({ id, h, sequence: i + 1 })));
    const expected = all
      .sort((a, b) => a.h.at.localeCompare(b.h.at) || a.id.localeCompare(b.id) || a.sequence - b.sequence)
      .map((e) => [e.id, e.h.event, e.sequence]);
    for (const reader of [ADMIN, AUDITOR]) {
      const page = await read(reader, { limit: '100' });
      expect(page.status).toBe(200);
      expect(page.body.items.map((i) => [i.requestId, i.event, i.sequence])).toEqual(expected);
      expect(page.body.nextToken).toBeNull();
    }
  });

  it('pages across requests without losing or repeating an event', async () => {
    const { read } = await setup();
    const whole = (await read(ADMIN, { limit: '100' })).body.items;
    const paged: Page['items'] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page: { body: Page } = await read(ADMIN, { limit: '2', ...(token ? { nextToken: token } : {}) });
      paged.push(...page.body.items);
      token = page.body.nextToken;
      pages++;
    } while (token !== null && pages < 50);
    expect(pages).toBeGreaterThan(2);
    expect(paged).toEqual(whole);
  });

  it('filters by requester and function, and keeps to the window', async () => {
    const { read, ids, clock } = await setup();
    const mine = await read(ADMIN, { requester: OTHER_REQUESTER, limit: '100' });
    expect(new Set(mine.body.items.map((i) => i.requestId))).toEqual(new Set([ids[1]]));
    expect((await read(ADMIN, { functionName: 'order-auditor' })).body.items).toEqual([]);
    expect((await read(ADMIN, { functionName: 'order-processor', limit: '100' })).body.items.length).toBeGreaterThan(3);
    const later = new Date(clock.now().getTime() + 1000).toISOString();
    expect(
      (await read(ADMIN, { since: later, until: new Date(clock.now().getTime() + 5000).toISOString() })).body.items,
    ).toEqual([]);
  });

  it('refuses anyone who is neither an admin nor an auditor, and a window that ends before it starts', async () => {
    const { read } = await setup();
    expect(await read(REQUESTER)).toMatchObject({ status: 403, body: { error: { code: 'Forbidden' } } });
    expect(await read(APPROVER)).toMatchObject({ status: 403 });
    const bad = await read(ADMIN, { since: '2026-12-07T00:00:00Z', until: '2026-12-06T00:00:00Z' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'ValidationError' } } });
    expect((await read(ADMIN, { nextToken: 'forged' })).status).toBe(400);
  });
});

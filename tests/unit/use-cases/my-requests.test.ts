import { ADMIN, APPROVER, REQUESTER, openEntry, who } from '../../support/fixtures';
import { inMemoryApp, newRequest } from '../../support/in-memory-app';

const OTHER = 'arn:aws:iam::123456789012:role/orders-other';

describe('GET /v1/requests?mine=true (My grants, /lpb list)', () => {
  async function setup() {
    const ctx = inMemoryApp();
    await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry({ requesters: [REQUESTER, OTHER, ADMIN] }));
    const own = await newRequest(ctx.app);
    const others = await newRequest(ctx.app, undefined, OTHER);
    const admins = await newRequest(ctx.app, undefined, ADMIN);
    const list = (caller: string, mine: boolean) =>
      ctx.app.listRequests({ caller: who(caller), status: null, functionName: null, limit: 25, nextToken: null, mine });
    return { ...ctx, own, others, admins, list };
  }

  it("lists only the caller's own requests, not those it may approve or administer", async () => {
    const { own, others, admins, list } = await setup();
    expect((await list(REQUESTER, true)).items.map((r) => r.id)).toEqual([own.id]);
    expect((await list(ADMIN, true)).items.map((r) => r.id)).toEqual([admins.id]);
    expect((await list(ADMIN, false)).items.map((r) => r.id).sort()).toEqual([own.id, others.id, admins.id].sort());
    expect((await list(APPROVER, true)).items).toEqual([]);
    expect((await list(APPROVER, false)).items).toHaveLength(3);
  });
});

import { BatchWriteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAllowlistChangeStore } from '../../adapters/dynamodb/allowlist-change-store';
import { DynamoAllowlistStore } from '../../adapters/dynamodb/allowlist-store';
import type { AllowlistChange } from '../../domain/model/allowlist-change';
import { INDEX } from '../../adapters/dynamodb/keys';
import { DynamoRequestStore, toItem } from '../../adapters/dynamodb/request-store';
import { StaleRequestError } from '../../domain/errors';
import type { GrantRequest } from '../../domain/model/request';
import { move } from '../../domain/state-machine';
import { ADMIN, PRINCIPAL_CASES, REQUESTER, baseAsk, fnArn, openEntry, who } from '../support/fixtures';
import { freshMoto } from '../support/aws';
import { inMemoryApp } from '../support/in-memory-app';

const TABLE = 'lambda-permission-broker';

/** Real requests built by the real use case (in memory), then written through the DynamoDB adapter. */
async function sampleRequests(count: number, requesters: string[]): Promise<GrantRequest[]> {
  const { app, clock } = inMemoryApp({ BROKER_MAX_PENDING_PER_REQUESTER: '100000' });
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
  const out: GrantRequest[] = [];
  for (let i = 0; i < count; i++) {
    clock.advance(1);
    const requester = requesters[i % requesters.length] as string;
    const { request } = await app.createRequest({
      caller: who(requester),
      ask: { ...baseAsk, ...PRINCIPAL_CASES[2].ask },
      dryRun: false,
      idempotencyKey: null,
    });
    out.push(request);
  }
  return out;
}

describe('DynamoDB request store (moto)', () => {
  let store: DynamoRequestStore;
  let clients: Awaited<ReturnType<typeof freshMoto>>;

  beforeEach(async () => {
    clients = await freshMoto(TABLE);
    store = new DynamoRequestStore(clients.doc, TABLE);
  });

  it('stores and reads back a request unchanged', async () => {
    const [request] = await sampleRequests(1, [REQUESTER]);
    await expect(store.create(request!, null, new Date())).resolves.toEqual({ created: true });
    await expect(store.get(request!.id)).resolves.toEqual(request);
    await expect(store.get('missing')).resolves.toBeNull();
  });

  // Sequential on purpose: moto does not isolate concurrent transactions (both can pass a condition), while
  // DynamoDB does; what this adapter owns is turning the failed condition into "this request already exists".
  it('lets one create hold an Idempotency-Key and names the holder to a later create', async () => {
    const [a, b] = await sampleRequests(2, [REQUESTER]);
    const now = new Date('2026-11-26T12:00:00.000Z');
    const claim = { caller: REQUESTER, key: 'k1', bodyHash: 'h1', expiresAt: '2026-11-27T12:00:00.000Z' };
    await expect(store.create(a!, claim, now)).resolves.toEqual({ created: true });
    await expect(store.create(b!, { ...claim, bodyHash: 'h2' }, now)).resolves.toEqual({
      created: false,
      existing: { requestId: a!.id, bodyHash: 'h1' },
    });
    await expect(store.get(b!.id)).resolves.toBeNull();
  });

  it('lets a lapsed claim be taken over', async () => {
    const [a, b] = await sampleRequests(2, [REQUESTER]);
    const claim = { caller: REQUESTER, key: 'k1', bodyHash: 'h1', expiresAt: '2026-11-27T12:00:00.000Z' };
    await store.create(a!, claim, new Date('2026-11-26T12:00:00.000Z'));
    const later = new Date('2026-11-27T12:00:01.000Z');
    await expect(store.findClaim(REQUESTER, 'k1', later)).resolves.toBeNull();
    await expect(store.create(b!, { ...claim, expiresAt: '2026-11-28T13:00:00.000Z' }, later)).resolves.toEqual({
      created: true,
    });
  });

  it('writes a transition only over the version it read', async () => {
    const [request] = await sampleRequests(1, [REQUESTER]);
    await store.create(request!, null, new Date());
    const approved = move(request!, 'APPROVED', { at: new Date(), actor: 'approver' });
    const stored = await store.update(request!, approved);
    expect(stored.version).toBe(2);
    await expect(store.get(request!.id)).resolves.toEqual(stored);
    const rejected = move(request!, 'REJECTED', { at: new Date(), actor: 'late' });
    await expect(store.update(request!, rejected)).rejects.toThrow(StaleRequestError);
    await expect(store.get(request!.id)).resolves.toMatchObject({ status: 'APPROVED', history: stored.history });
  });

  it('puts ACTIVE requests, and only those, on the expiry index', async () => {
    const [request] = await sampleRequests(1, [REQUESTER]);
    await store.create(request!, null, new Date());
    const at = new Date('2026-11-26T13:00:00.000Z');
    const approved = await store.update(request!, move(request!, 'APPROVED', { at, actor: 'a' }));
    const expiresAt = '2026-11-26T14:00:00.000Z';
    const active = await store.update(
      approved,
      move(approved, 'ACTIVE', { at, actor: 'broker', patch: { activatedAt: at.toISOString(), expiresAt } }),
    );
    const due = () =>
      clients.doc.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: INDEX.byExpiry.name,
          KeyConditionExpression: 'EXPK = :p AND EXSK <= :now',
          ExpressionAttributeValues: { ':p': 'ACTIVE', ':now': '2026-11-26T15:00:00.000Z' },
        }),
      );
    expect((await due()).Items?.map((i) => i.id)).toEqual([request!.id]);
    await store.update(active, move(active, 'REVOKED', { at, actor: 'r' }));
    expect((await due()).Items).toEqual([]);
  });

  it("keeps a request that no entry permits (an adoption) off every entry's list", async () => {
    const [request] = await sampleRequests(1, [REQUESTER]);
    const unlisted = { ...request!, allowlistEntryId: null };
    await store.create(unlisted, null, new Date());
    await expect(store.get(unlisted.id)).resolves.toEqual(unlisted);
    const item = (
      await clients.doc.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': `REQ#${unlisted.id}` },
        }),
      )
    ).Items?.[0];
    expect(item).not.toHaveProperty(INDEX.byEntry.pk);
    const listed = await store.list({
      sources: [{ kind: 'entry', value: 'null' }],
      status: null,
      functionName: null,
      limit: 10,
      after: null,
    });
    expect(listed.items).toEqual([]);
    const mine = await store.list({
      sources: [{ kind: 'requester', value: REQUESTER }],
      status: null,
      functionName: null,
      limit: 10,
      after: null,
    });
    expect(mine.items.map((r) => r.id)).toEqual([unlisted.id]);
  });

  it('pages through the union of sources newest first with no gaps or repeats', async () => {
    const other = 'arn:aws:iam::123456789012:role/orders-other';
    const requests = await sampleRequests(7, [REQUESTER, other]);
    for (const r of requests) await store.create(r, null, new Date());
    const sources = [
      { kind: 'requester' as const, value: REQUESTER },
      { kind: 'entry' as const, value: 'orders' },
    ];
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await store.list({ sources, status: null, functionName: null, limit: 3, after });
      seen.push(...page.items.map((r) => r.id));
      after = page.next;
      pages++;
    } while (after !== null && pages < 10);
    expect(seen).toEqual([...requests].reverse().map((r) => r.id));
    expect(pages).toBe(3);
  });

  it("pages through an entry's live requests oldest first, reading past those that ended", async () => {
    const requests = await sampleRequests(7, [REQUESTER]);
    for (const r of requests) await store.create(r, null, new Date());
    // Ended ones stay in the entry's index partition: a page reads past them and still says where it stopped.
    for (const r of requests.slice(0, 3)) await store.update(r, move(r, 'CANCELLED', { at: new Date(), actor: 'x' }));
    const live = requests.slice(3).map((r) => r.id);
    const pages: string[][] = [];
    let after: string | null = null;
    do {
      const page = await store.liveByEntry('orders', 2, after);
      pages.push(page.items.map((r) => r.id));
      after = page.next;
    } while (after !== null && pages.length < 10);
    expect(pages.flat()).toEqual(live);
    expect(pages[0]).toEqual([]);
    expect((await store.liveByEntry('other-entry', 2, null)).items).toEqual([]);
  });

  it('stores an extension and the grant it extends together, only over the version read', async () => {
    const [grant, later] = await sampleRequests(2, [REQUESTER]);
    await store.create(grant!, null, new Date());
    const extension = { ...later!, extends: grant!.id };
    await store.createExtension(extension, grant!, { ...grant!, extensions: [extension.id] });
    await expect(store.get(extension.id)).resolves.toEqual(extension);
    const listed = (await store.get(grant!.id)) as GrantRequest;
    expect(listed).toMatchObject({ extensions: [extension.id], version: 2 });
    // Read before that write: refused, and neither half lands.
    const another = { ...extension, id: '00000000-0000-4000-8000-00000000abcd' };
    await expect(
      store.createExtension(another, grant!, { ...grant!, extensions: [extension.id, another.id] }),
    ).rejects.toThrow(StaleRequestError);
    await expect(store.get(another.id)).resolves.toBeNull();
    await expect(store.get(grant!.id)).resolves.toEqual(listed);
  });

  it('reads requests stored before extensions existed as extending nothing', async () => {
    const [request] = await sampleRequests(1, [REQUESTER]);
    const older = toItem(request!);
    delete older.extends;
    delete older.extensions;
    await clients.doc.send(new PutCommand({ TableName: TABLE, Item: older }));
    await expect(store.get(request!.id)).resolves.toMatchObject({ extends: null, extensions: [] });
  });

  it('reads at most 1,000 items a call whatever its filters, answering what is complete and where it stopped', async () => {
    const requests = await sampleRequests(1_050, [REQUESTER]);
    // The oldest of them, alone, is for another function: a filter only it matches, past the first 1,000 read.
    const oldest = { ...requests[0]!, functionArn: fnArn('order-auditor') };
    const items = [oldest, ...requests.slice(1)].map((r) => ({ PutRequest: { Item: toItem(r) } }));
    for (let i = 0; i < items.length; i += 25) {
      await clients.doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items.slice(i, i + 25) } }));
    }
    const sources = [{ kind: 'requester' as const, value: REQUESTER }];
    const list = (after: string | null) =>
      store.list({ sources, status: null, functionName: 'order-auditor', limit: 1, after });
    const first = await list(null);
    expect(first.items).toEqual([]);
    expect(first.next).not.toBeNull();
    const second = await list(first.next);
    expect(second.items.map((r) => r.id)).toEqual([oldest.id]);
    expect(second.next).toBeNull();
  }, 60_000);

  it('counts a person’s waiting requests of the pending window, up to a maximum', async () => {
    const requests = await sampleRequests(5, [REQUESTER]);
    for (const r of requests) await store.create(r, null, new Date());
    const person = requests[0]!.requesterPerson;
    await store.update(requests[0]!, move(requests[0]!, 'CANCELLED', { at: new Date(), actor: REQUESTER }));
    await expect(store.pendingBy(person, '2000-01-01T00:00:00.000Z', 20)).resolves.toBe(4);
    await expect(store.pendingBy(person, '2000-01-01T00:00:00.000Z', 3)).resolves.toBe(3);
    await expect(store.pendingBy(person, '2999-01-01T00:00:00.000Z', 20)).resolves.toBe(0);
    await expect(store.pendingBy('someone-else', '2000-01-01T00:00:00.000Z', 20)).resolves.toBe(0);
  });

  it('filters by status and function', async () => {
    const requests = await sampleRequests(3, [REQUESTER]);
    for (const r of requests) await store.create(r, null, new Date());
    const first = requests[0]!;
    await store.update(first, move(first, 'CANCELLED', { at: new Date(), actor: REQUESTER }));
    const sources = [{ kind: 'requester' as const, value: REQUESTER }];
    const list = (status: 'PENDING' | 'CANCELLED' | null, functionName: string | null) =>
      store.list({ sources, status, functionName, limit: 25, after: null }).then((p) => p.items.map((r) => r.id));
    await expect(list('CANCELLED', null)).resolves.toEqual([first.id]);
    await expect(list('PENDING', null)).resolves.toHaveLength(2);
    await expect(list(null, 'order-processor')).resolves.toHaveLength(3);
    await expect(list(null, first.functionArn)).resolves.toHaveLength(3);
    await expect(list(null, 'order-auditor')).resolves.toEqual([]);
    const byStatus = await store.list({
      sources: [{ kind: 'status', value: 'CANCELLED' }],
      status: 'CANCELLED',
      functionName: null,
      limit: 25,
      after: null,
    });
    expect(byStatus.items.map((r) => r.id)).toEqual([first.id]);
  });
});

describe('DynamoDB allowlist store (moto)', () => {
  it('puts, lists, reads and deletes entries, each write conditioned on the version it replaces', async () => {
    const clients = await freshMoto(TABLE);
    const store = new DynamoAllowlistStore(clients.doc, TABLE);
    const entry = {
      id: 'orders',
      ...openEntry({ approverGroups: [], approvalSteps: [], maxStartDelaySeconds: 604800 }),
      version: 1,
      updatedAt: '2026-11-26T12:00:00.000Z',
      updatedBy: ADMIN,
    };
    await expect(store.put(entry, null)).resolves.toBe(true);
    await expect(store.put({ ...entry, id: 'billing' }, null)).resolves.toBe(true);
    // A create finds the entry there; a replace of a version that is not stored changes nothing.
    await expect(store.put({ ...entry, description: 'again' }, null)).resolves.toBe(false);
    const second = { ...entry, version: 2, description: 'second' };
    await expect(store.put(second, { ...entry, version: 5 })).resolves.toBe(false);
    await expect(store.get('orders')).resolves.toEqual(entry);
    await expect(store.put(second, entry)).resolves.toBe(true);
    await expect(store.get('orders')).resolves.toEqual(second);
    expect((await store.list()).map((e) => e.id).sort()).toEqual(['billing', 'orders']);
    const deletedAt = new Date('2026-11-26T12:05:00.000Z');
    await expect(store.delete(entry, ADMIN, deletedAt)).resolves.toBe(false);
    await expect(store.delete(second, ADMIN, deletedAt)).resolves.toBe(true);
    await expect(store.delete(second, ADMIN, deletedAt)).resolves.toBe(false);
    await expect(store.get('orders')).resolves.toBeNull();
    await expect(store.get(null)).resolves.toBeNull();
    // The deletion was version 3 of `orders`: made again, it goes on from there; `billing` never changed; `x` never was.
    expect([
      await store.lastVersion('orders'),
      await store.lastVersion('billing'),
      await store.lastVersion('x'),
    ]).toEqual([3, 1, 0]);
    await expect(store.put({ ...entry, version: 1 }, null)).resolves.toBe(false);
    await expect(store.put({ ...entry, version: 4 }, null)).resolves.toBe(true);
  });

  it('applies a proposal only together with its decision, and never once someone else decided it', async () => {
    const clients = await freshMoto(TABLE);
    const store = new DynamoAllowlistStore(clients.doc, TABLE);
    const proposals = new DynamoAllowlistChangeStore(clients.doc, TABLE);
    const entry = { id: 'orders', ...openEntry(), version: 1, updatedAt: '2026-11-26T12:00:00.000Z', updatedBy: ADMIN };
    const proposal = (id: string): AllowlistChange => ({
      id,
      entryId: 'orders',
      action: 'put',
      body: openEntry(),
      proposedBy: ADMIN,
      proposedByPerson: ADMIN,
      proposedAt: '2026-11-26T11:59:00.000Z',
      baseVersion: null,
      status: 'PENDING',
      diff: [],
      impact: { kept: [], rematched: [], ended: [] },
      decidedBy: null,
      decidedAt: null,
      comment: null,
    });
    const decided = (p: AllowlistChange, status: 'APPROVED' | 'REJECTED'): AllowlistChange => ({
      ...p,
      status,
      decidedBy: 'arn:aws:iam::123456789012:role/other-admin',
      decidedAt: '2026-11-26T12:00:00.000Z',
    });
    // Rejected first (a race lost): the approval's write changes nothing, the entry included.
    const lost = proposal('c-lost');
    await proposals.create(lost);
    await expect(proposals.decide(decided(lost, 'REJECTED'))).resolves.toBe(true);
    await expect(store.put(entry, null, decided(lost, 'APPROVED'))).resolves.toBe(false);
    await expect(store.get('orders')).resolves.toBeNull();
    await expect(proposals.get('c-lost')).resolves.toMatchObject({ status: 'REJECTED' });
    // Still PENDING: the entry and the decision land together.
    const won = proposal('c-won');
    await proposals.create(won);
    await expect(store.put(entry, null, decided(won, 'APPROVED'))).resolves.toBe(true);
    await expect(store.get('orders')).resolves.toMatchObject({ version: 1 });
    await expect(proposals.get('c-won')).resolves.toMatchObject({ status: 'APPROVED' });
  });

  it('keeps a change record of each write: who, when, the version after it, before and after', async () => {
    const clients = await freshMoto(TABLE);
    const store = new DynamoAllowlistStore(clients.doc, TABLE);
    const first = { id: 'orders', ...openEntry(), version: 1, updatedAt: '2026-11-26T12:00:00.000Z', updatedBy: ADMIN };
    const second = { ...first, version: 2, maxDurationSeconds: 600, updatedAt: '2026-11-26T12:01:00.000Z' };
    await store.put(first, null);
    await store.put(second, first);
    await store.delete(second, 'arn:aws:iam::123456789012:role/other-admin', new Date('2026-11-26T12:02:00.000Z'));
    const { Items = [] } = await clients.doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'ENTRY_CHANGES' },
      }),
    );
    expect(Items.map(({ PK: _pk, SK: _sk, ...change }) => change)).toEqual([
      { entryId: 'orders', actor: ADMIN, at: first.updatedAt, version: 1, before: null, after: first },
      { entryId: 'orders', actor: ADMIN, at: second.updatedAt, version: 2, before: first, after: second },
      {
        entryId: 'orders',
        actor: 'arn:aws:iam::123456789012:role/other-admin',
        at: '2026-11-26T12:02:00.000Z',
        version: 3,
        before: second,
        after: null,
      },
    ]);
  });

  it('reads an entry stored before versions as version 1, and replaces it on that version', async () => {
    const clients = await freshMoto(TABLE);
    const store = new DynamoAllowlistStore(clients.doc, TABLE);
    const old = { id: 'old', ...openEntry(), updatedAt: '2026-11-26T12:00:00.000Z', updatedBy: ADMIN };
    await clients.doc.send(new PutCommand({ TableName: TABLE, Item: { PK: 'ALLOWLIST', SK: 'ENTRY#old', ...old } }));
    const read = await store.get('old');
    // …and names no approver groups or steps, and allows the default start delay.
    expect(read).toEqual({ ...old, version: 1, approverGroups: [], approvalSteps: [], maxStartDelaySeconds: 604800 });
    await expect(store.put({ ...old, version: 2 }, { ...old, version: 2 })).resolves.toBe(false);
    await expect(store.put({ ...old, version: 2 }, read)).resolves.toBe(true);
  });

  it('leaves a re-check marker with every change, gone once a re-check that began after it is done', async () => {
    const clients = await freshMoto(TABLE);
    const store = new DynamoAllowlistStore(clients.doc, TABLE);
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 12, minute));
    const entry = (id: string, minute: number) => ({
      id,
      ...openEntry(),
      version: 1,
      updatedAt: at(minute).toISOString(),
      updatedBy: ADMIN,
    });
    await store.put(entry('orders', 0), null);
    await store.put(entry('billing', 1), null);
    await store.delete(entry('billing', 1), ADMIN, at(2));
    // Markers are not entries.
    expect((await store.list()).map((e) => e.id)).toEqual(['orders']);
    expect(await store.pendingRechecks(at(1))).toEqual([{ entryId: 'orders', changedAt: at(0).toISOString() }]);
    expect((await store.pendingRechecks(at(2))).map((p) => p.entryId).sort()).toEqual(['billing', 'orders']);
    // A re-check that began before the latest change leaves its marker; one that began after it takes it.
    await store.recheckDone('billing', at(1));
    await store.recheckDone('orders', at(3));
    expect(await store.pendingRechecks(at(9))).toEqual([{ entryId: 'billing', changedAt: at(2).toISOString() }]);
    // A delete of nothing leaves no marker.
    await store.recheckDone('billing', at(3));
    await expect(store.delete(entry('nothing', 4), ADMIN, at(4))).resolves.toBe(false);
    expect(await store.pendingRechecks(at(9))).toEqual([]);
  });
});

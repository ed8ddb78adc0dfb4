/**
 * Entry versions and conditional writes (docs/allowlist-as-code.md, Versions and conditional writes), through the HTTP
 * pipeline over in-memory ports: every change raises the version, `If-Match` / `If-None-Match` that do not hold answer
 * 412 and change nothing.
 */
import { EntryPreconditionFailedError } from '../../../domain/errors';
import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import { ADMIN, openEntry, who } from '../../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext } from '../../support/in-memory-app';

const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
const OTHER_ADMIN = 'arn:aws:iam::123456789012:role/other-admin';

function setup() {
  const ctx = inMemoryApp({ BROKER_ADMINS: `${ADMIN},${OTHER_ADMIN}` });
  const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
  const call = async (method: string, headers: Record<string, string> = {}, body?: unknown, as = ADMIN) => {
    const res = await handler(
      apiEvent(method, '/v1/allowlist/{entryId}', {
        path: '/v1/allowlist/orders',
        pathParameters: { entryId: 'orders' },
        body,
        headers: { 'X-Broker-Principal': as, ...headers },
      }),
      lambdaContext,
    );
    return { status: res.statusCode, etag: res.headers?.ETag, json: res.body ? (JSON.parse(res.body) as never) : null };
  };
  return { ...ctx, call };
}

describe('allowlist entry versions', () => {
  it('starts at 1 and counts every change, with who made it and when; the ETag is the version', async () => {
    const { call, clock } = setup();
    const first = await call('PUT', {}, openEntry());
    expect(first).toMatchObject({ status: 200, etag: '"1"', json: { version: 1, updatedBy: ADMIN } });
    clock.advance(60);
    const second = await call('PUT', {}, openEntry({ maxDurationSeconds: 600 }), OTHER_ADMIN);
    expect(second).toMatchObject({
      status: 200,
      etag: '"2"',
      json: { version: 2, updatedBy: OTHER_ADMIN, updatedAt: clock.now().toISOString() },
    });
    expect(await call('GET')).toMatchObject({ status: 200, etag: '"2"', json: { version: 2 } });
  });

  it('makes an entry again after its deletion, going on from the deleted version (versions never repeat)', async () => {
    const { call } = setup();
    expect((await call('PUT', {}, openEntry())).json).toMatchObject({ version: 1 });
    expect((await call('DELETE')).status).toBe(204);
    const again = await call('PUT', { 'If-None-Match': '*' }, openEntry());
    expect(again).toMatchObject({ status: 200, etag: '"3"', json: { version: 3 } });
  });

  it('If-None-Match: * creates only what does not exist', async () => {
    const { call, allowlist } = setup();
    expect((await call('PUT', { 'If-None-Match': '*' }, openEntry())).status).toBe(200);
    const again = await call('PUT', { 'If-None-Match': '*' }, openEntry({ maxDurationSeconds: 600 }));
    expect(again).toMatchObject({
      status: 412,
      json: { error: { code: 'PreconditionFailed', message: expect.stringMatching(/orders: exists \(version 1\)/) } },
    });
    expect(allowlist.entries.get('orders')).toMatchObject({ version: 1, maxDurationSeconds: 86400 });
  });

  it('If-Match: "<version>" replaces or deletes only that version; anything else is 412 and changes nothing', async () => {
    const { call, allowlist } = setup();
    await call('PUT', {}, openEntry());
    await call('PUT', {}, openEntry({ maxDurationSeconds: 600 }));
    const stale = await call('PUT', { 'If-Match': '"1"' }, openEntry({ maxDurationSeconds: 900 }));
    expect(stale).toMatchObject({
      status: 412,
      json: { error: { message: expect.stringMatching(/version 2, not 1/) } },
    });
    expect((await call('DELETE', { 'If-Match': '"1"' })).status).toBe(412);
    expect(allowlist.entries.get('orders')).toMatchObject({ version: 2, maxDurationSeconds: 600 });
    expect(allowlist.changeRecords).toHaveLength(2);
    expect(await call('PUT', { 'If-Match': '"2"' }, openEntry({ maxDurationSeconds: 900 }))).toMatchObject({
      status: 200,
      json: { version: 3 },
    });
    expect((await call('DELETE', { 'If-Match': '"3"' })).status).toBe(204);
    expect(allowlist.entries.has('orders')).toBe(false);
    expect(
      allowlist.changeRecords.map((c) => [c.version, c.before?.version ?? null, c.after?.version ?? null]),
    ).toEqual([
      [1, null, 1],
      [2, 1, 2],
      [3, 2, 3],
      [4, 3, null],
    ]);
  });

  it('If-Match on an entry that does not exist is 412; If-Match: * needs one to exist', async () => {
    const { call } = setup();
    expect((await call('PUT', { 'If-Match': '"1"' }, openEntry())).status).toBe(412);
    expect((await call('PUT', { 'If-Match': '*' }, openEntry())).status).toBe(412);
    expect((await call('DELETE')).status).toBe(404);
    await call('PUT', {}, openEntry());
    expect((await call('PUT', { 'If-Match': '*' }, openEntry())).json).toMatchObject({ version: 2 });
  });

  it('refuses a malformed precondition with 400 naming the header', async () => {
    const { call } = setup();
    for (const [headers, field] of [
      [{ 'If-Match': 'abc' }, 'If-Match'],
      [{ 'If-None-Match': '"1"' }, 'If-None-Match'],
      [{ 'If-Match': '"1"', 'If-None-Match': '*' }, 'If-None-Match'],
    ] as const) {
      const res = await call('PUT', headers, openEntry());
      expect(res).toMatchObject({ status: 400, json: { error: { details: [{ path: field }] } } });
    }
  });

  it('a write that races another is read again; one whose precondition then fails changes nothing', async () => {
    const { app, allowlist } = setup();
    await app.allowlist.put(who(ADMIN), 'orders', openEntry());
    // Another admin's write lands between this put's read and its write.
    const put = allowlist.put.bind(allowlist);
    let raced = false;
    allowlist.put = async (entry, before) => {
      if (!raced) {
        raced = true;
        await put({ ...entry, updatedBy: OTHER_ADMIN, maxDurationSeconds: 700 }, before);
      }
      return put(entry, before);
    };
    const unconditioned = await app.allowlist.put(who(ADMIN), 'orders', openEntry({ maxDurationSeconds: 800 }));
    expect(unconditioned).toMatchObject({ version: 3, maxDurationSeconds: 800 });
    raced = false;
    await expect(
      app.allowlist.put(who(ADMIN), 'orders', openEntry({ maxDurationSeconds: 900 }), { version: 3 }),
    ).rejects.toThrow(EntryPreconditionFailedError);
    expect(allowlist.entries.get('orders')).toMatchObject({ version: 4, maxDurationSeconds: 700 });
  });
});

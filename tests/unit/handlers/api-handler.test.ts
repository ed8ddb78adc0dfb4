import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import { openApiDocument } from '../../../handlers/http/openapi';
import { ADMIN, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext } from '../../support/in-memory-app';

const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
const snsAsk = { ...baseAsk, ...PRINCIPAL_CASES[2].ask };

async function setup(env: Record<string, string> = {}) {
  const ctx = inMemoryApp(env);
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
  const call = async (event: Parameters<typeof handler>[0]) => {
    const response = await handler(event, lambdaContext);
    return { ...response, json: response.body ? (JSON.parse(response.body) as ResponseJson) : undefined };
  };
  return { ...ctx, call };
}

type ResponseJson = Record<string, unknown> & { error: { code: string; details: { path: string }[] } };
const fields = (res: { json?: ResponseJson }) => (res.json?.error.details ?? []).map((d) => d.path);

const asRequester = { 'X-Broker-Principal': REQUESTER };

describe('HTTP pipeline', () => {
  it('creates a request: 201 with the resource', async () => {
    const { call } = await setup();
    const res = await call(apiEvent('POST', '/v1/requests', { body: snsAsk, headers: asRequester }));
    expect(res.statusCode).toBe(201);
    expect(res.json).toMatchObject({ status: 'PENDING', requester: REQUESTER });
    expect(res.json).not.toHaveProperty('version');
  });

  it('answers a dry run with 200 and a null id', async () => {
    const { call, store } = await setup();
    const res = await call(
      apiEvent('POST', '/v1/requests', { body: snsAsk, headers: asRequester, query: { dryRun: 'true' } }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json?.id).toBeNull();
    expect(store.requests.size).toBe(0);
  });

  it('answers 401 without identity', async () => {
    const { call } = await setup();
    const res = await call(apiEvent('POST', '/v1/requests', { body: snsAsk }));
    expect(res.statusCode).toBe(401);
    expect(res.json).toMatchObject({ error: { code: 'Unauthenticated' } });
  });

  it('ignores X-Broker-Principal in iam mode and uses only the request context', async () => {
    const { call } = await setup({ BROKER_IDENTITY: 'iam' });
    const spoofed = await call(
      apiEvent('POST', '/v1/requests', { body: snsAsk, headers: { 'X-Broker-Principal': REQUESTER } }),
    );
    expect(spoofed.statusCode).toBe(401);
    const real = await call(
      apiEvent('POST', '/v1/requests', {
        body: snsAsk,
        userArn: 'arn:aws:sts::123456789012:assumed-role/orders-ci/pipeline',
        headers: { 'X-Broker-Principal': ADMIN },
      }),
    );
    expect(real.statusCode).toBe(201);
    expect(real.json?.requester).toBe(REQUESTER);
  });

  it('answers 413 over 64 KiB and stores nothing', async () => {
    const { call, store } = await setup();
    const body = JSON.stringify({ ...snsAsk, reason: 'x'.repeat(64 * 1024) });
    const res = await call(apiEvent('POST', '/v1/requests', { body, headers: asRequester }));
    expect(res.statusCode).toBe(413);
    expect(res.json).toMatchObject({ error: { code: 'PayloadTooLarge' } });
    expect(store.requests.size).toBe(0);
  });

  it('answers 415 for a non-JSON media type', async () => {
    const { call } = await setup();
    const res = await call(
      apiEvent('POST', '/v1/requests', { body: snsAsk, headers: { ...asRequester, 'Content-Type': 'text/plain' } }),
    );
    expect(res.statusCode).toBe(415);
  });

  it('answers 400, not 415, for malformed JSON', async () => {
    const { call } = await setup();
    const res = await call(apiEvent('POST', '/v1/requests', { body: '{"functionName":', headers: asRequester }));
    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'ValidationError', details: [{ path: '(body)' }] } });
  });

  it.each([
    [{ ...snsAsk, extra: 1 }, 'extra'],
    [{ ...snsAsk, durationSeconds: '3600' }, 'durationSeconds'],
    [{ ...snsAsk, reason: 'short' }, 'reason'],
    [{ ...snsAsk, reason: 'has a \u0007 bell inside' }, 'reason'],
    [{ ...snsAsk, sourceAccount: '12' }, 'sourceAccount'],
    [{ ...snsAsk, principalOrgId: 'org' }, 'principalOrgId'],
    [{ ...snsAsk, durationSeconds: 40 * 86400 }, 'durationSeconds'],
  ])('answers 400 naming the field for %p', async (body, field) => {
    const { call } = await setup();
    const res = await call(apiEvent('POST', '/v1/requests', { body, headers: asRequester }));
    expect(res.statusCode).toBe(400);
    expect(fields(res)).toContain(field);
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ status: 'DONE' }, 'status'],
    [{ nextToken: 'bm90LWEtdG9rZW4' }, 'nextToken'],
    [{ sort: 'asc' }, 'sort'],
  ])('refuses list query %p', async (query, field) => {
    const { call } = await setup();
    const res = await call(apiEvent('GET', '/v1/requests', { query, headers: asRequester }));
    expect(res.statusCode).toBe(400);
    expect(fields(res)).toEqual([field]);
  });

  it.each([
    ['a body field', 'POST', '/v1/requests', { body: { ...snsAsk, sourceARN: 'x' } }, 'sourceARN', 'sourceArn'],
    [
      'a body field',
      'POST',
      '/v1/requests',
      { body: { ...snsAsk, fucntionName: 'x' } },
      'fucntionName',
      'functionName',
    ],
    ['a query parameter', 'GET', '/v1/requests', { query: { Limit: '5' } }, 'Limit', 'limit'],
    ['a query parameter', 'GET', '/v1/requests', { query: { nextTokn: 'x' } }, 'nextTokn', 'nextToken'],
    ['a query parameter', 'POST', '/v1/requests', { body: snsAsk, query: { dryrun: 'true' } }, 'dryrun', 'dryRun'],
  ])('names an unknown %s and the closest known one (%s → %s)', async (_what, method, path, options, name, known) => {
    const { call, store } = await setup();
    const res = await call(apiEvent(method, path, { ...options, headers: asRequester }));
    expect(res.statusCode).toBe(400);
    expect(res.json?.error.details).toEqual([
      { path: name, message: `${name} is not a known field; did you mean ${known}?` },
    ]);
    expect(store.requests.size).toBe(0);
  });

  it('names an unknown field without a guess when nothing known is close', async () => {
    const { call } = await setup();
    const res = await call(
      apiEvent('POST', '/v1/requests', { body: { ...snsAsk, colour: 'red' }, headers: asRequester }),
    );
    expect(res.json?.error.details).toEqual([{ path: 'colour', message: 'colour is not a known field' }]);
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const { call } = await setup();
    const res = await call(
      apiEvent('POST', '/v1/requests', { body: snsAsk, headers: { ...asRequester, 'Idempotency-Key': 'has space' } }),
    );
    expect(res.statusCode).toBe(400);
    expect(fields(res)).toEqual(['Idempotency-Key']);
  });

  it('marks a replayed Idempotency-Key', async () => {
    const { call } = await setup();
    const headers = { ...asRequester, 'Idempotency-Key': 'k-1' };
    const first = await call(apiEvent('POST', '/v1/requests', { body: snsAsk, headers }));
    const second = await call(apiEvent('POST', '/v1/requests', { body: snsAsk, headers }));
    expect(second.statusCode).toBe(201);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect(second.json?.id).toBe(first.json?.id);
  });

  it('answers 404 for an id that cannot exist and for an unknown route', async () => {
    const { call } = await setup();
    const bad = await call(
      apiEvent('GET', '/v1/requests/{id}', { pathParameters: { id: '../etc' }, headers: asRequester }),
    );
    expect(bad.statusCode).toBe(404);
    const none = await call(apiEvent('PATCH', '/v1/requests', { headers: asRequester }));
    expect(none.statusCode).toBe(404);
  });

  it('answers health without identity', async () => {
    const { call } = await setup();
    const res = await call(apiEvent('GET', '/v1/health'));
    expect(res).toMatchObject({ statusCode: 200, json: { status: 'ok' } });
  });

  it('serves the generated OpenAPI document without identity', async () => {
    const { call } = await setup();
    const res = await call(apiEvent('GET', '/v1/openapi.json'));
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('validates the allowlist entry id and body on PUT', async () => {
    const { call } = await setup();
    const badId = await call(
      apiEvent('PUT', '/v1/allowlist/{entryId}', {
        pathParameters: { entryId: 'a b' },
        body: openEntry(),
        headers: { 'X-Broker-Principal': ADMIN },
      }),
    );
    expect(fields(badId)).toEqual(['entryId']);
    const badBody = await call(
      apiEvent('PUT', '/v1/allowlist/{entryId}', {
        pathParameters: { entryId: 'x' },
        body: { ...openEntry(), functions: [], id: 'y' },
        headers: { 'X-Broker-Principal': ADMIN },
      }),
    );
    expect(badBody.statusCode).toBe(400);
    expect(fields(badBody).sort()).toEqual(['functions', 'id']);
  });
});

/** The foundation slice end to end: the local runner over HTTP against the run's moto (which it must not seed). */
import { motoEndpoint, createFunction, freshMoto } from '../support/aws';
import {
  ADMIN,
  APPROVER,
  OTHER_ACCOUNT,
  PRINCIPAL_CASES,
  REGION,
  ACCOUNT,
  REQUESTER,
  STRANGER,
  baseAsk,
  openEntry,
  orgWideEntry,
} from '../support/fixtures';
import { http, startRunner, type Runner } from '../support/runner';

let runner: Runner;
const call = (method: string, path: string, options: Parameters<typeof http>[3] = {}) =>
  http(runner.baseUrl, method, path, options);

beforeAll(async () => {
  const clients = await freshMoto('e2e-broker');
  runner = await startRunner({
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: 'e2e-broker',
    BROKER_ADMINS: ADMIN,
  });
  await createFunction(clients, 'order-processor', { alias: 'live' });
}, 90_000);

afterAll(async () => {
  await runner?.stop();
});

describe('local runner against an external emulator', () => {
  it('seeds nothing and says so', async () => {
    expect(runner.output()).toContain('seeding nothing');
    expect(runner.output()).not.toContain('started moto_server');
    const list = await call('GET', '/v1/allowlist', { principal: ADMIN });
    expect(list).toMatchObject({ status: 200, body: { items: [] } });
  });

  it('lets an admin manage the allowlist and nobody else', async () => {
    expect((await call('PUT', '/v1/allowlist/orders', { principal: REQUESTER, body: openEntry() })).status).toBe(403);
    const put = await call('PUT', '/v1/allowlist/orders', { principal: ADMIN, body: openEntry() });
    expect(put).toMatchObject({ status: 200, body: { id: 'orders', updatedBy: ADMIN } });
    expect((await call('PUT', '/v1/allowlist/org-wide', { principal: ADMIN, body: orgWideEntry() })).status).toBe(200);
    expect((await call('GET', '/v1/allowlist/orders', { principal: ADMIN })).body).toMatchObject({ id: 'orders' });
    expect((await call('PUT', '/v1/allowlist/tmp', { principal: ADMIN, body: openEntry() })).status).toBe(200);
    expect((await call('DELETE', '/v1/allowlist/tmp', { principal: ADMIN })).status).toBe(204);
    expect((await call('GET', '/v1/allowlist/tmp', { principal: ADMIN })).status).toBe(404);
  });

  it.each(PRINCIPAL_CASES.map((c) => [c.name, c] as const))(
    'creates a request for %s with the statement in AWS’s stored form',
    async (_name, c) => {
      const res = await call('POST', '/v1/requests', { principal: REQUESTER, body: { ...baseAsk, ...c.ask } });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('PENDING');
      expect(res.body.statement).toEqual({
        Sid: res.body.statementId,
        Effect: 'Allow',
        Principal: c.principal,
        Action: 'lambda:InvokeFunction',
        Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:order-processor`,
        ...(c.condition ? { Condition: c.condition } : {}),
      });
      expect(res.body.statementId).toMatch(/^lpb-[A-Za-z0-9_-]{1,96}$/);
      expect(res.body.statementHash).toMatch(/^[0-9a-f]{64}$/);
      const read = await call('GET', `/v1/requests/${res.body.id}`, { principal: REQUESTER });
      expect(read.body).toEqual(res.body);
    },
  );

  it.each([
    ['sourceArn', { principal: 'sns.amazonaws.com' }],
    ['sourceAccount', { principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads' }],
    ['sourceArn', { principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-q` }],
    [
      'sourceArn',
      { principal: 'apigateway.amazonaws.com', sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:*/prod/GET/x` },
    ],
    [
      'sourceAccount',
      {
        principal: 'sns.amazonaws.com',
        sourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:orders-t`,
        sourceAccount: OTHER_ACCOUNT,
      },
    ],
    ['principalOrgId', { principal: '*' }],
    ['qualifier', { principal: OTHER_ACCOUNT, qualifier: '$LATEST' }],
    ['unknownField', { principal: OTHER_ACCOUNT, unknownField: true }],
  ])('refuses a safety-floor violation with 400 naming %s, storing nothing', async (field, ask) => {
    const before = await call('GET', '/v1/requests?limit=100', { principal: ADMIN });
    const res = await call('POST', '/v1/requests', { principal: REQUESTER, body: { ...baseAsk, ...ask } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ValidationError');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    const after = await call('GET', '/v1/requests?limit=100', { principal: ADMIN });
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it('answers an allowlist miss with 403 saying which condition failed', async () => {
    const res = await call('POST', '/v1/requests', {
      principal: REQUESTER,
      body: { ...baseAsk, principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:billing-topic` },
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'Forbidden', details: [{ path: 'sourceArn' }] });
    expect(res.body.error.message).toContain('billing-topic');
  });

  it('refuses a function that does not exist with 400', async () => {
    const res = await call('POST', '/v1/requests', {
      principal: REQUESTER,
      body: { ...baseAsk, ...PRINCIPAL_CASES[5].ask, functionName: 'order-ghost' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('functionName');
  });

  it('stores nothing for a dry run', async () => {
    const before = await call('GET', '/v1/requests?limit=100', { principal: REQUESTER });
    const res = await call('POST', '/v1/requests?dryRun=true', {
      principal: REQUESTER,
      body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask },
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toBeNull();
    const after = await call('GET', '/v1/requests?limit=100', { principal: REQUESTER });
    expect(after.body.items.map((r: { id: string }) => r.id)).toEqual(
      before.body.items.map((r: { id: string }) => r.id),
    );
  });

  it('returns the same request for a repeated Idempotency-Key', async () => {
    const body = { ...baseAsk, ...PRINCIPAL_CASES[3].ask };
    const headers = { 'Idempotency-Key': `deploy-${Date.now()}` };
    const first = await call('POST', '/v1/requests', { principal: REQUESTER, body, headers });
    const second = await call('POST', '/v1/requests', { principal: REQUESTER, body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const clash = await call('POST', '/v1/requests', {
      principal: REQUESTER,
      body: { ...body, durationSeconds: 900 },
      headers,
    });
    expect(clash.status).toBe(409);
  });

  it('answers 401 without identity', async () => {
    const res = await call('POST', '/v1/requests', { body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask } });
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'Unauthenticated' } } });
  });

  it('shows requests to their requester, approvers and admins, pages them, and hides them from others', async () => {
    const mine = await call('GET', '/v1/requests?limit=3', { principal: REQUESTER });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(3);
    expect(typeof mine.body.nextToken).toBe('string');
    const next = await call('GET', `/v1/requests?limit=3&nextToken=${encodeURIComponent(mine.body.nextToken)}`, {
      principal: REQUESTER,
    });
    const firstIds = mine.body.items.map((r: { id: string }) => r.id);
    expect(next.body.items.length).toBeGreaterThan(0);
    for (const r of next.body.items) expect(firstIds).not.toContain(r.id);
    const approver = await call('GET', '/v1/requests?limit=100&status=PENDING', { principal: APPROVER });
    expect(approver.body.items.length).toBeGreaterThan(0);
    const stranger = await call('GET', '/v1/requests', { principal: STRANGER });
    expect(stranger.body).toEqual({ items: [], nextToken: null });
    const hidden = await call('GET', `/v1/requests/${firstIds[0]}`, { principal: STRANGER });
    expect(hidden.status).toBe(404);
  });

  it('answers 413 for a body over 64 KiB and 415 for another media type', async () => {
    const big = await call('POST', '/v1/requests', {
      principal: REQUESTER,
      body: { ...baseAsk, reason: 'x'.repeat(70_000) },
    });
    expect(big.status).toBe(413);
    const xml = await call('POST', '/v1/requests', {
      principal: REQUESTER,
      body: '<x/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.status).toBe(415);
  });
});

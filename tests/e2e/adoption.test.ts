/**
 * Adoption's API parts end to end (docs/adoption.md): the local runner over HTTP against
 * the run's moto. What may I ask for, an allowlist PUT that warns, errors that name the closest field, and a team's
 * statement discovered and adopted.
 */
import { AddPermissionCommand } from '@aws-sdk/client-lambda';
import { createFunction, freshMoto, motoEndpoint, policyStatements, type testClients } from '../support/aws';
import { ADMIN, APPROVER, REQUESTER, STRANGER, baseAsk, fnArn, openEntry } from '../support/fixtures';
import { http, startRunner, type Runner } from '../support/runner';

const TABLE = 'e2e-adoption';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders-topic';
let runner: Runner;
let clients: ReturnType<typeof testClients>;
const call = (method: string, path: string, options: Parameters<typeof http>[3] = {}) =>
  http(runner.baseUrl, method, path, options);

beforeAll(async () => {
  clients = await freshMoto(TABLE);
  runner = await startRunner({ AWS_ENDPOINT_URL: motoEndpoint(), BROKER_TABLE_NAME: TABLE, BROKER_ADMINS: ADMIN });
  await createFunction(clients, 'order-processor');
  await clients.lambda.send(
    new AddPermissionCommand({
      FunctionName: 'order-processor',
      StatementId: 'team-orders-topic',
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: TOPIC,
    }),
  );
}, 90_000);

afterAll(async () => {
  await runner?.stop();
});

it('lints an allowlist PUT: 400 for what can never match, 200 with warnings for what is risky', async () => {
  const never = await call('PUT', '/v1/allowlist/orders', {
    principal: ADMIN,
    body: openEntry({ functions: ['order-*'] }),
  });
  expect(never.status).toBe(400);
  expect(never.body.error.details.map((d: { path: string }) => d.path)).toEqual(['functions.0']);
  const risky = await call('PUT', '/v1/allowlist/orders', {
    principal: ADMIN,
    body: openEntry({ requesters: ['arn:aws:iam::*:role/orders-*'] }),
  });
  expect(risky.status).toBe(200);
  expect(risky.body.warnings).toEqual([
    'requesters.0: "arn:aws:iam::*:role/orders-*" matches callers in every account',
  ]);
  const fine = await call('PUT', '/v1/allowlist/orders', { principal: ADMIN, body: openEntry() });
  expect(fine.body).toMatchObject({ id: 'orders', warnings: [] });
});

it('shows each caller what it may ask for, and only that', async () => {
  const mine = await call('GET', '/v1/catalog', { principal: REQUESTER });
  expect(mine.status).toBe(200);
  expect(mine.body.items).toEqual([
    expect.objectContaining({ entryId: 'orders', functions: [fnArn('order-*')], approvers: openEntry().approvers }),
  ]);
  expect(mine.body.items[0]).not.toHaveProperty('requesters');
  expect((await call('GET', '/v1/catalog', { principal: STRANGER })).body).toEqual({ items: [] });
  const denied = await call('POST', '/v1/requests', {
    principal: STRANGER,
    body: { ...baseAsk, principal: 'sns.amazonaws.com', sourceArn: TOPIC },
  });
  expect(denied.status).toBe(403);
  expect(denied.body.error.message).toContain('see GET /v1/catalog');
});

it('names an unknown field or query parameter and the closest known one', async () => {
  const body = await call('POST', '/v1/requests', {
    principal: REQUESTER,
    body: { ...baseAsk, principal: 'sns.amazonaws.com', sourceARN: TOPIC },
  });
  expect(body.status).toBe(400);
  expect(body.body.error.details).toEqual([
    { path: 'sourceARN', message: 'sourceARN is not a known field; did you mean sourceArn?' },
  ]);
  const query = await call('GET', '/v1/requests?stauts=ACTIVE', { principal: REQUESTER });
  expect(query.body.error.details).toEqual([
    { path: 'stauts', message: 'stauts is not a known field; did you mean status?' },
  ]);
});

it('discovers a team statement and adopts it as an expiring managed grant', async () => {
  expect((await call('GET', '/v1/admin/discover', { principal: APPROVER })).status).toBe(403);
  const found = await call('GET', '/v1/admin/discover', { principal: ADMIN });
  expect(found.status).toBe(200);
  expect(found.body.items).toEqual([
    expect.objectContaining({
      functionArn: fnArn('order-processor'),
      statementId: 'team-orders-topic',
      floorViolations: [],
      permittedBy: 'orders',
    }),
  ]);

  const adopted = await call('POST', '/v1/admin/adopt', {
    principal: ADMIN,
    body: {
      functionArn: fnArn('order-processor'),
      statementId: 'team-orders-topic',
      durationSeconds: 3600,
      reason: 'the orders topic, now with an end date',
    },
  });
  expect(adopted.status).toBe(201);
  expect(adopted.body).toMatchObject({ status: 'ACTIVE', requester: ADMIN, sourceArn: TOPIC });
  expect((await policyStatements(clients, 'order-processor')).map((s) => s.Sid)).toEqual([adopted.body.statementId]);
  expect((await call('GET', '/v1/admin/discover', { principal: ADMIN })).body.items).toEqual([]);
});

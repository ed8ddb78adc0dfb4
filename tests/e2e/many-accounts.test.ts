/**
 * One broker for many accounts over HTTP (docs/deploy.md, Many accounts (hub and spokes)): the local runner against the
 * run's moto, acting in a spoke account through its spoke role. An invoke grant on the spoke's function lands there and
 * is removed by its timer at expiresAt; an event source grant puts its read policy on the spoke's execution role and
 * its mapping in the spoke, and a revoke takes both away; the broker account's function of the same name is never
 * touched; an account the broker does not act in is a 403 naming functionName.
 */
import { ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import {
  BROKER_ACCOUNT,
  clientsInAccount,
  createFunction,
  createQueue,
  freshMoto,
  motoEndpoint,
  policyStatements,
  testClients,
} from '../support/aws';
import {
  ADMIN,
  APPROVER,
  OTHER_ACCOUNT,
  REQUESTER,
  SPOKE_ACCOUNT,
  baseAsk,
  fnArnIn,
  openEntry,
} from '../support/fixtures';
import { generousMs } from '../support/contract-bounds';
import { eventually, http, settledRequest, startRunner, type Runner } from '../support/runner';

const SPOKE = SPOKE_ACCOUNT;
const OUTSIDE = '444444444444';
const SPOKE_FUNCTION = fnArnIn(SPOKE);

let runner: Runner;
let hub: ReturnType<typeof testClients>;
let spoke: ReturnType<typeof testClients>;
const call = (method: string, path: string, options: Parameters<typeof http>[3] = {}) =>
  http(runner.baseUrl, method, path, options);

beforeAll(async () => {
  hub = await freshMoto('accounts-broker');
  spoke = await clientsInAccount(SPOKE);
  for (const clients of [hub, spoke, await clientsInAccount(OUTSIDE)]) await createFunction(clients, 'order-processor');
  runner = await startRunner({
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: 'accounts-broker',
    BROKER_ADMINS: ADMIN,
    BROKER_MIN_DURATION_SECONDS: '1',
    BROKER_SWEEP_INTERVAL_SECONDS: '3600',
    BROKER_TARGET_ACCOUNTS: `${BROKER_ACCOUNT},${SPOKE}`,
  });
  const entry = openEntry({
    functions: ['arn:aws:lambda:us-east-1:*:function:order-*'],
    eventSourceArns: ['arn:aws:sqs:us-east-1:*:order-*'],
  });
  expect((await call('PUT', '/v1/allowlist/orders', { principal: ADMIN, body: entry })).status).toBe(200);
}, 90_000);

afterAll(async () => {
  await runner?.stop();
});

const create = async (ask: Record<string, unknown>) => {
  const res = await call('POST', '/v1/requests', { principal: REQUESTER, body: { ...baseAsk, ...ask } });
  expect(res.status).toBe(201);
  return res.body as Record<string, any>;
};
const approve = async (id: string) => {
  expect((await call('POST', `/v1/requests/${id}/approve`, { principal: APPROVER, body: {} })).status).toBe(200);
  return settledRequest(runner.baseUrl, id, APPROVER);
};
const sids = async (clients: ReturnType<typeof testClients>) =>
  (await policyStatements(clients, 'order-processor')).map((s) => s.Sid);

it('puts an invoke grant on the spoke’s function and its timer takes it away at expiresAt', async () => {
  const r = await create({ functionName: SPOKE_FUNCTION, principal: OTHER_ACCOUNT, durationSeconds: 4 });
  expect(r.functionArn).toBe(SPOKE_FUNCTION);
  const active = await approve(r.id);
  expect(active.status).toBe('ACTIVE');
  expect(await sids(spoke)).toEqual([r.statementId]);
  expect(await sids(hub)).toEqual([]);

  const ended = await eventually(
    async () => {
      const got = (await call('GET', `/v1/requests/${r.id}`, { principal: REQUESTER })).body as Record<string, any>;
      return got.status === 'EXPIRED' ? got : undefined;
    },
    Math.max(0, Date.parse(active.expiresAt) - Date.now()) + generousMs('expiry'),
  );
  expect(Date.parse(ended.endedAt) - Date.parse(ended.expiresAt)).toBeLessThanOrEqual(generousMs('expiry'));
  expect(await sids(spoke)).toEqual([]);
}, 60_000);

it('grants an event source in the spoke: its execution role and its mapping, both gone after a revoke', async () => {
  const queueArn = await createQueue(spoke, 'order-queue');
  const r = await create({ functionName: SPOKE_FUNCTION, eventSourceArn: queueArn });
  const active = await approve(r.id);
  expect(active.status).toBe('ACTIVE');
  const { Configuration } = await spoke.lambda.send(new GetFunctionCommand({ FunctionName: 'order-processor' }));
  const roleName = Configuration?.Role?.split('/').pop();
  const rolePolicies = async () =>
    (await spoke.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames;
  const mappings = async (clients: ReturnType<typeof testClients>) =>
    ((await clients.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []).map((m) => m.UUID);
  expect(await rolePolicies()).toEqual([r.statementId]);
  expect(await mappings(spoke)).toEqual([active.eventSourceMappingUuid]);
  expect(await mappings(hub)).toEqual([]);

  const revoked = await call('POST', `/v1/requests/${r.id}/revoke`, { principal: REQUESTER, body: { reason: 'done' } });
  expect([200, 202]).toContain(revoked.status);
  expect((await settledRequest(runner.baseUrl, r.id, REQUESTER)).status).toBe('REVOKED');
  expect(await rolePolicies()).toEqual([]);
  expect(await mappings(spoke)).toEqual([]);
}, 60_000);

it('answers 403 naming functionName for an account outside BROKER_TARGET_ACCOUNTS, whatever the allowlist says', async () => {
  const res = await call('POST', '/v1/requests', {
    principal: REQUESTER,
    body: {
      ...baseAsk,
      functionName: fnArnIn(OUTSIDE),
      principal: OTHER_ACCOUNT,
    },
  });
  expect(res.status).toBe(403);
  expect(res.body).toMatchObject({ error: { code: 'Forbidden', details: [{ path: 'functionName' }] } });
  expect(await sids(await clientsInAccount(OUTSIDE))).toEqual([]);
});

/**
 * Extension without interruption (docs/api.md), over HTTP against the local runner and moto. The runner talks to moto
 * through a recording proxy, so every Lambda call it makes is seen; the test reads the policy straight from moto.
 */
import { createFunction, freshMoto, motoEndpoint, policyStatements, testClients } from '../support/aws';
import { FaultProxy, calls } from '../support/fault-proxy';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, STRANGER, baseAsk, openEntry } from '../support/fixtures';
import { generousMs } from '../support/contract-bounds';
import { eventually, http, settledRequest, startRunner, type Runner } from '../support/runner';

let runner: Runner;
let proxy: FaultProxy;
let clients: ReturnType<typeof testClients>;
const call = (method: string, path: string, options: Parameters<typeof http>[3] = {}) =>
  http(runner.baseUrl, method, path, options);

beforeAll(async () => {
  clients = await freshMoto('extension-broker');
  await createFunction(clients, 'order-processor');
  proxy = new FaultProxy(motoEndpoint());
  await proxy.start();
  runner = await startRunner({
    AWS_ENDPOINT_URL: proxy.url,
    BROKER_TABLE_NAME: 'extension-broker',
    BROKER_ADMINS: ADMIN,
    BROKER_MIN_DURATION_SECONDS: '1',
    BROKER_SWEEP_INTERVAL_SECONDS: '3600',
  });
  expect((await call('PUT', '/v1/allowlist/orders', { principal: ADMIN, body: openEntry() })).status).toBe(200);
}, 90_000);

afterAll(async () => {
  await runner?.stop();
  await proxy?.stop();
});

async function activeGrant(durationSeconds: number, ask: Record<string, unknown> = PRINCIPAL_CASES[2].ask) {
  const created = await call('POST', '/v1/requests', {
    principal: REQUESTER,
    body: { ...baseAsk, ...ask, durationSeconds },
  });
  expect(created.status).toBe(201);
  expect((await call('POST', `/v1/requests/${created.body.id}/approve`, { principal: APPROVER })).status).toBe(200);
  const active = await settledRequest(runner.baseUrl, created.body.id, REQUESTER);
  expect(active.status).toBe('ACTIVE');
  return active;
}

const extend = (id: string, durationSeconds: number, principal = REQUESTER) =>
  call('POST', `/v1/requests/${id}/extend`, {
    principal,
    body: { durationSeconds, reason: 'the release runs late tonight' },
  });

const present = async (sid: string) => (await policyStatements(clients, 'order-processor')).some((s) => s.Sid === sid);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('keeps the statement in the policy throughout, makes no Lambda call, and moves the end by exactly n', async () => {
  const grant = await activeGrant(6);
  const oldEnd = Date.parse(grant.expiresAt);
  // Poll the policy from before the extension until past the grant's old end.
  const polls: boolean[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      polls.push(await present(grant.statementId));
      await sleep(100);
    }
  })();
  const mark = proxy.seen.length;

  const asked = await extend(grant.id, 4);
  expect(asked.status).toBe(201);
  expect(asked.body).toMatchObject({
    status: 'PENDING',
    extends: grant.id,
    extensions: [],
    durationSeconds: 4,
    statementId: grant.statementId,
    statement: grant.statement,
  });
  expect((await call('GET', `/v1/requests/${grant.id}`, { principal: REQUESTER })).body.extensions).toEqual([
    asked.body.id,
  ]);
  const approved = await call('POST', `/v1/requests/${asked.body.id}/approve`, { principal: APPROVER });
  expect(approved.status).toBe(200);
  expect(await settledRequest(runner.baseUrl, asked.body.id, REQUESTER)).toMatchObject({ status: 'EXTENDED' });
  const moved = (await call('GET', `/v1/requests/${grant.id}`, { principal: REQUESTER })).body;
  expect(Date.parse(moved.expiresAt) - oldEnd).toBe(4_000);
  expect(moved.history.at(-1)).toMatchObject({
    event: 'EXTENDED',
    actor: APPROVER,
    detail: { extensionId: asked.body.id, previousExpiresAt: grant.expiresAt, expiresAt: moved.expiresAt },
  });

  await sleep(Math.max(0, oldEnd + 1_000 - Date.now()));
  polling = false;
  await poller;
  expect(polls.length).toBeGreaterThan(10);
  expect(polls.filter((p) => !p)).toEqual([]);
  const lambdaWrites = proxy.seen.slice(mark).filter((c) => calls.addPermission(c) || calls.removePermission(c));
  expect(lambdaWrites).toEqual([]);
  expect((await call('GET', `/v1/requests/${grant.id}`, { principal: REQUESTER })).body.status).toBe('ACTIVE');

  // The timer follows the new end: gone soon after it (the bench holds expiry lag to the contract's 5 s).
  const ended = await eventually(async () => {
    const r = (await call('GET', `/v1/requests/${grant.id}`, { principal: REQUESTER })).body;
    return r.status === 'EXPIRED' ? r : undefined;
  }, 30_000);
  expect(Date.parse(ended.endedAt) - Date.parse(moved.expiresAt)).toBeLessThanOrEqual(generousMs('expiry'));
  expect(await present(grant.statementId)).toBe(false);
}, 90_000);

it('answers 403 to other viewers, 404 to the rest, and 409 for a grant not ACTIVE, waiting on an extension or at its limit', async () => {
  await call('PUT', '/v1/allowlist/orders', { principal: ADMIN, body: openEntry({ maxExtensions: 1 }) });
  try {
    const grant = await activeGrant(600);
    expect((await extend(grant.id, 60, APPROVER)).status).toBe(403);
    const hidden = await extend(grant.id, 60, STRANGER);
    const unknown = await extend('00000000-0000-4000-8000-00000000dead', 60);
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    const pending = await call('POST', '/v1/requests', {
      principal: REQUESTER,
      body: { ...baseAsk, ...PRINCIPAL_CASES[3].ask },
    });
    expect((await extend(pending.body.id, 60)).status).toBe(409);

    const first = await extend(grant.id, 60);
    expect(first.status).toBe(201);
    const waiting = await extend(grant.id, 60);
    expect(waiting.status).toBe(409);
    expect(waiting.body.error.message).toContain(`already has extension ${first.body.id} waiting`);
    await call('POST', `/v1/requests/${first.body.id}/approve`, { principal: APPROVER });
    expect((await settledRequest(runner.baseUrl, first.body.id, REQUESTER)).status).toBe('EXTENDED');
    const limit = await extend(grant.id, 60);
    expect(limit.status).toBe(409);
    expect(limit.body.error.message).toContain('extended 1 times');
  } finally {
    await call('PUT', '/v1/allowlist/orders', { principal: ADMIN, body: openEntry() });
  }
}, 60_000);

it('fails an extension approved after the grant ended', async () => {
  const grant = await activeGrant(3, PRINCIPAL_CASES[4].ask);
  const asked = await extend(grant.id, 60);
  expect(asked.status).toBe(201);
  await eventually(async () => {
    const r = (await call('GET', `/v1/requests/${grant.id}`, { principal: REQUESTER })).body;
    return r.status === 'EXPIRED' ? r : undefined;
  }, 20_000);
  await call('POST', `/v1/requests/${asked.body.id}/approve`, { principal: APPROVER });
  expect(await settledRequest(runner.baseUrl, asked.body.id, REQUESTER)).toMatchObject({
    status: 'FAILED',
    failure: { reason: 'not extended: the grant it extends is EXPIRED' },
  });
  expect(await present(grant.statementId)).toBe(false);
}, 60_000);

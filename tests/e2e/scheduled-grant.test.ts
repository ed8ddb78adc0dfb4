/**
 * A grant that starts later (docs/api.md, A start time), over HTTP on the local runner against moto: approved before
 * its start it is SCHEDULED and absent from the function's policy, the runner's timers apply it within 5 s of
 * `startsAt`, and a cancel before the start leaves no trace in the policy. Both run side by side (their waits are real
 * time).
 */
import { createFunction, freshMoto, motoEndpoint, policyStatements, testClients } from '../support/aws';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry } from '../support/fixtures';
import { eventually, http, startRunner, type Runner } from '../support/runner';

let runner: Runner;
let clients: ReturnType<typeof testClients>;
const call = (method: string, path: string, options: Parameters<typeof http>[3] = {}) =>
  http(runner.baseUrl, method, path, options);
/** The bound on applying a scheduled grant after its start. */
const START_BOUND_MS = 5_000;

beforeAll(async () => {
  clients = await freshMoto('scheduled-broker');
  await createFunction(clients, 'order-processor');
  runner = await startRunner({
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: 'scheduled-broker',
    BROKER_ADMINS: ADMIN,
    BROKER_MIN_DURATION_SECONDS: '1',
    // The sweep is not what applies it: the timers are.
    BROKER_SWEEP_INTERVAL_SECONDS: '3600',
  });
  expect((await call('PUT', '/v1/allowlist/orders', { principal: ADMIN, body: openEntry() })).status).toBe(200);
});

afterAll(async () => {
  await runner?.stop();
});

const sids = async () => (await policyStatements(clients, 'order-processor')).map((s) => s.Sid);

async function scheduled(inSeconds: number) {
  const startsAt = new Date(Date.now() + inSeconds * 1000).toISOString();
  const created = await call('POST', '/v1/requests', {
    principal: REQUESTER,
    body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask, durationSeconds: 30, startsAt },
  });
  expect(created.status).toBe(201);
  const approved = await call('POST', `/v1/requests/${created.body.id}/approve`, { principal: APPROVER, body: {} });
  expect(approved.body).toMatchObject({ status: 'SCHEDULED', startsAt, activatedAt: null });
  return approved.body as { id: string; statementId: string; startsAt: string; expiresAt: string };
}

/** Is absent from the policy until startsAt, and present within 5 s after it. */
async function appliedOnTime(request: Awaited<ReturnType<typeof scheduled>>) {
  expect(await sids()).not.toContain(request.statementId);
  const appliedAt = await eventually(
    async () => ((await sids()).includes(request.statementId) ? Date.now() : undefined),
    30_000,
  );
  expect(appliedAt).toBeGreaterThanOrEqual(Date.parse(request.startsAt));
  expect(appliedAt - Date.parse(request.startsAt)).toBeLessThan(START_BOUND_MS);
  const active = (await call('GET', `/v1/requests/${request.id}`, { principal: REQUESTER })).body;
  expect(active).toMatchObject({ status: 'ACTIVE', expiresAt: request.expiresAt });
  expect(Date.parse(active.expiresAt) - Date.parse(request.startsAt)).toBe(30_000);
}

/** Cancelled before its start, it leaves no trace in the policy. */
async function cancelledWithoutTrace(request: Awaited<ReturnType<typeof scheduled>>) {
  const cancelled = await call('POST', `/v1/requests/${request.id}/cancel`, { principal: REQUESTER, body: {} });
  expect(cancelled.body.status).toBe('CANCELLED');
  // Past its start, and past the bound in which it would have been applied.
  await eventually(() => (Date.now() > Date.parse(request.startsAt) + START_BOUND_MS ? true : undefined), 20_000);
  expect(await sids()).not.toContain(request.statementId);
  const stored = (await call('GET', `/v1/requests/${request.id}`, { principal: REQUESTER })).body;
  expect(stored).toMatchObject({ status: 'CANCELLED', activatedAt: null });
}

it('is absent from the policy until startsAt and present within 5 s after it; a cancel before the start leaves no trace', async () => {
  const [applied, cancelled] = [await scheduled(4), await scheduled(3)];
  await Promise.all([appliedOnTime(applied), cancelledWithoutTrace(cancelled)]);
});

/**
 * The attack pass of round three (issue #19), each finding replayed over HTTP against the local runner and moto:
 * roles made in the emulator's IAM with real paths, Identity Center permission sets in two accounts, callers named in
 * X-Broker-Principal. Every one got a grant approved (or learnt what it should not) on the main before the one
 * rulebook; each test here failed there.
 */
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { NOT_COVERED } from '../../domain/rulebook/choose-entry';
import {
  BROKER_ACCOUNT,
  clientsInAccount,
  createFunction,
  freshMoto,
  motoEndpoint,
  policyStatements,
  testClients,
} from '../support/aws';
import { ADMIN, PRINCIPAL_CASES, SPOKE_ACCOUNT, baseAsk, fnArn, openEntry } from '../support/fixtures';
import { eventually, http, settledRequest, startRunner, type Runner } from '../support/runner';

const A = BROKER_ACCOUNT;
const B = SPOKE_ACCOUNT;
const SSO = '/aws-reserved/sso.amazonaws.com/';
const DEV_SET = 'AWSReservedSSO_Dev_0a1b2c3d';
const LEAD_SET = 'AWSReservedSSO_Lead_4e5f6a7b';
const session = (role: string, name: string, account = A) => `arn:aws:sts::${account}:assumed-role/${role}/${name}`;
const role = (name: string, account = A) => `arn:aws:iam::${account}:role/${name}`;
const TABLE = 'rulebook-findings';

let runner: Runner;
let clients: ReturnType<typeof testClients>;
const call = (method: string, path: string, options: Parameters<typeof http>[3] = {}) =>
  http(runner.baseUrl, method, path, options);
const put = async (id: string, entry: Record<string, unknown>) =>
  expect((await call('PUT', `/v1/allowlist/${id}`, { principal: ADMIN, body: entry })).status).toBe(200);
const ask = (principal: string, overrides: Record<string, unknown> = {}) =>
  call('POST', '/v1/requests', { principal, body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask, ...overrides } });
const decide = (principal: string, id: string, action = 'approve') =>
  call('POST', `/v1/requests/${id}/${action}`, { principal, body: {} });
const catalogIds = async (principal: string) =>
  ((await call('GET', '/v1/catalog', { principal })).body.items as { entryId: string }[]).map((i) => i.entryId);

async function createRoles(account: string, roles: [path: string, name: string][]) {
  const iam = account === A ? clients.iam : (await clientsInAccount(account)).iam;
  for (const [Path, RoleName] of roles) {
    await iam.send(new CreateRoleCommand({ Path, RoleName, AssumeRolePolicyDocument: '{}' }));
  }
}

beforeAll(async () => {
  clients = await freshMoto(TABLE);
  await createFunction(clients, 'order-processor');
  await createFunction(clients, 'payments-processor');
  await createRoles(A, [
    ['/payments/', 'payments-ci'],
    ['/payments/approvers/', 'payments-lead'],
    ['/interns/', 'intern'],
    ['/', 'unrelated'],
    [SSO, DEV_SET],
    [SSO, LEAD_SET],
  ]);
  await createRoles(B, [[SSO, LEAD_SET]]);
  runner = await startRunner({
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: TABLE,
    BROKER_ADMINS: ADMIN,
    BROKER_TARGET_ACCOUNTS: `${A},${B}`,
    BROKER_SWEEP_INTERVAL_SECONDS: '3600',
  });
  await put(
    'payments',
    openEntry({
      functions: [fnArn('payments-*')],
      requesters: [role('payments/*')],
      approvers: [role('payments/approvers/*')],
    }),
  );
  await put(
    'sso',
    openEntry({
      requesters: [role(`${SSO.slice(1)}AWSReservedSSO_Dev_*`)],
      approvers: [`arn:aws:iam::*:role${SSO}AWSReservedSSO_Lead_*`],
      requiredApprovals: 2,
    }),
  );
}, 120_000);

afterAll(async () => {
  await runner?.stop();
});

it('finding R3-1 — role path widens a pattern', async () => {
  const intern = session('intern', 'summer-1');
  const refused = await ask(intern, { functionName: 'payments-processor' });
  expect(refused.status).toBe(403);
  expect(refused.body.error.details).toEqual([{ path: 'functionName', message: NOT_COVERED }]);
  expect(await catalogIds(intern)).toEqual([]);

  const ci = session('payments-ci', 'build-9');
  expect(await catalogIds(ci)).toEqual(['payments']);
  const created = await ask(ci, { functionName: 'payments-processor' });
  expect(created.status).toBe(201);
  // Not an approver of it, so it may not even see it.
  expect((await decide(session('unrelated', 'x'), created.body.id)).status).toBe(404);
  expect((await decide(session('payments-lead', 'y'), created.body.id)).status).toBe(200);
  expect((await settledRequest(runner.baseUrl, created.body.id, ADMIN)).status).toBe('ACTIVE');
});

it('finding R3-2 — one Identity Center user counts as several people', async () => {
  const alice = session(DEV_SET, 'alice@example.com');
  const created = await ask(alice);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  // Alice under the Lead set, in this account and in another, is still the requester.
  for (const aliceLead of [session(LEAD_SET, 'alice@example.com'), session(LEAD_SET, 'Alice@Example.com', B)]) {
    const own = await decide(aliceLead, id);
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/own request/);
  }
  expect(created.body).toMatchObject({ requester: alice, requesterPerson: 'alice@example.com' });
  // Bob counts once, however many sessions he approves from.
  expect((await decide(session(LEAD_SET, 'bob@example.com'), id)).body.status).toBe('PENDING');
  expect((await decide(session(LEAD_SET, 'BOB@example.com', B), id)).status).toBe(409);
  const done = await decide(session(LEAD_SET, 'carol@example.com', B), id);
  expect(done.status).toBe(200);
  expect(done.body.approvals.map((a: { person: string; counted: boolean }) => [a.person, a.counted])).toEqual([
    ['bob@example.com', true],
    ['carol@example.com', true],
  ]);
});

it('finding R3-3 — decisions use the entry as it was', async () => {
  const requester = role('orders-ci');
  const [bob, carol, dave] = ['bob', 'carol', 'dave'].map((name) => role(`approver-${name}`));
  const entry = (approvers: string[], requiredApprovals: number) =>
    openEntry({ requesters: [requester], approvers, requiredApprovals });
  await put('orders', entry([bob!, carol!, dave!], 2));

  // An approval by someone since removed from the approvers does not count.
  const first = (await ask(requester)).body.id as string;
  expect((await decide(bob!, first)).body.status).toBe('PENDING');
  await put('orders', entry([carol!, dave!], 2));
  const afterCarol = await decide(carol!, first);
  expect(afterCarol.body).toMatchObject({
    status: 'PENDING',
    requiredApprovals: 2,
    approvals: [
      { approver: bob, counted: false },
      { approver: carol, counted: true },
    ],
  });
  expect((await decide(dave!, first)).status).toBe(200);
  expect((await settledRequest(runner.baseUrl, first, ADMIN)).status).toBe('ACTIVE');

  // A quorum raised after the ask is the quorum.
  await put('orders', entry([bob!, carol!, dave!], 1));
  const second = (await ask(requester)).body.id as string;
  const raised = entry([bob!, carol!, dave!], 2);
  const preview = await call('POST', '/v1/allowlist/orders/impact', { principal: ADMIN, body: raised });
  expect(preview.body.kept).toContain(second);
  await put('orders', raised);
  expect((await decide(carol!, second)).body).toMatchObject({ status: 'PENDING', requiredApprovals: 2 });
});

it('finding R3-4 — the re-check ignores extensions', async () => {
  const releaseCi = role('release-ci');
  const entry = (maxDurationSeconds: number, maxExtensions: number) =>
    openEntry({
      functions: [fnArn('order-*')],
      requesters: [releaseCi],
      autoApprove: true,
      requiredApprovals: 0,
      approvers: [],
      maxDurationSeconds,
      maxExtensions,
    });
  await put('release', entry(7200, 3));
  const created = await ask(releaseCi, { durationSeconds: 3600 });
  expect(created.status).toBe(201);
  const grant = await settledRequest(runner.baseUrl, created.body.id, ADMIN);
  expect(grant.status).toBe('ACTIVE');
  for (let i = 0; i < 2; i++) {
    const extension = await call('POST', `/v1/requests/${grant.id}/extend`, {
      principal: releaseCi,
      body: { durationSeconds: 600, reason: 'the release runs late again' },
    });
    expect(extension.status).toBe(201);
    expect((await settledRequest(runner.baseUrl, extension.body.id, ADMIN)).status).toBe('EXTENDED');
  }
  // Now about 4,800 s to go, after 2 extensions: a 1-hour entry with one extension no longer allows it.
  const narrowed = entry(3600, 1);
  const preview = await call('POST', '/v1/allowlist/release/impact', { principal: ADMIN, body: narrowed });
  expect(preview.body.ended).toEqual([
    { id: grant.id, status: 'REVOKED', reason: expect.stringMatching(/longer than entry release permits/) },
  ]);
  await put('release', narrowed);
  const revoked = await eventually(async () => {
    const r = (await call('GET', `/v1/requests/${grant.id}`, { principal: ADMIN })).body;
    return r.status === 'REVOKED' ? r : undefined;
  });
  expect(revoked.history.at(-1)).toMatchObject({ event: 'REVOKED', actor: 'allowlist' });
  expect(revoked.history.at(-1).detail.reason).toMatch(/\(durationSeconds\)$/);
  const sids = (await policyStatements(clients, 'order-processor')).map((s) => s.Sid);
  expect(sids).not.toContain(grant.statementId);
});

it("finding R3-5 — denials reveal other teams' entries", async () => {
  const stranger = session('stranger', 'probe');
  // order-processor is covered by other teams' entries; nothing-here by none.
  const covered = await ask(stranger, { functionName: 'order-processor' });
  const uncovered = await ask(stranger, { functionName: 'nothing-here' });
  expect(covered.status).toBe(403);
  expect(uncovered.status).toBe(403);
  expect(covered.body).toEqual(uncovered.body);
});

it('finding R3-6 — the catalog uses another matcher than create', async () => {
  const alice = session(DEV_SET, 'alice@example.com');
  expect(await catalogIds(alice)).toEqual(['sso']);
  expect((await ask(alice)).body.allowlistEntryId).toBe('sso');
  // The same user under a permission set no entry names asks for nothing, and is shown nothing.
  const aliceLead = session(LEAD_SET, 'alice@example.com');
  expect(await catalogIds(aliceLead)).toEqual([]);
  expect((await ask(aliceLead)).status).toBe(403);
});

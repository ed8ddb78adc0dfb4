/**
 * The grant lifecycle over HTTP against moto: for every principal kind and an SQS queue, request → approve → the
 * grant is in AWS exactly as approved → at expiresAt its timer removes it (the sweep runs only hourly here); revoke
 * removes at once.
 */
import { GetRolePolicyCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import {
  asAwsStores,
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
  PRINCIPAL_CASES,
  REQUESTER,
  STRANGER,
  baseAsk,
  openEntry,
  orgWideEntry,
} from '../support/fixtures';
import { generousMs } from '../support/contract-bounds';
import { eventually, http, settledRequest, startRunner, type Runner } from '../support/runner';

let runner: Runner;
let clients: ReturnType<typeof testClients>;
let queueArn: string;
const call = (method: string, path: string, options: Parameters<typeof http>[3] = {}) =>
  http(runner.baseUrl, method, path, options);
const FOREIGN = {
  Sid: 'team-owned-permission',
  Effect: 'Allow',
  Principal: { Service: 'events.amazonaws.com' },
  Action: 'lambda:InvokeFunction',
  Resource: 'arn:aws:lambda:us-east-1:123456789012:function:order-processor',
};

beforeAll(async () => {
  clients = await freshMoto('lifecycle-broker');
  await createFunction(clients, 'order-processor');
  queueArn = await createQueue(clients, 'order-queue');
  const { AddPermissionCommand } = await import('@aws-sdk/client-lambda');
  await clients.lambda.send(
    new AddPermissionCommand({
      FunctionName: 'order-processor',
      StatementId: FOREIGN.Sid,
      Action: FOREIGN.Action,
      Principal: 'events.amazonaws.com',
    }),
  );
  runner = await startRunner({
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: 'lifecycle-broker',
    BROKER_ADMINS: ADMIN,
    BROKER_MIN_DURATION_SECONDS: '1',
    BROKER_SWEEP_INTERVAL_SECONDS: '3600',
  });
  for (const [id, entry] of [
    ['orders', openEntry()],
    ['org-wide', orgWideEntry()],
  ] as const) {
    expect((await call('PUT', `/v1/allowlist/${id}`, { principal: ADMIN, body: entry })).status).toBe(200);
  }
}, 90_000);

afterAll(async () => {
  await runner?.stop();
});

/** Long enough for every grant to be approved and checked before the first one ends. */
const DURATION = 10;

const create = async (ask: Record<string, unknown>) => {
  const res = await call('POST', '/v1/requests', {
    principal: REQUESTER,
    body: { ...baseAsk, durationSeconds: 6, ...ask },
  });
  expect(res.status).toBe(201);
  return res.body;
};

/** Approve over REST: the answer is ACTIVE, or APPROVED when applying takes longer; then as it settles. */
const approve = async (id: string, body: Record<string, unknown> = {}) => {
  const res = await call('POST', `/v1/requests/${id}/approve`, { principal: APPROVER, body });
  expect(res.status).toBe(200);
  expect(['ACTIVE', 'APPROVED']).toContain(res.body.status);
  return settledRequest(runner.baseUrl, id, APPROVER);
};

/** Revoke over REST: 200 REVOKED when the removal was quick, else 202 while it finishes; then as it ends. */
const revoke = async (id: string, principal: string, reason: string) => {
  const res = await call('POST', `/v1/requests/${id}/revoke`, { principal, body: { reason } });
  expect([200, 202]).toContain(res.status);
  expect(res.body.status).toBe(res.status === 200 ? 'REVOKED' : 'ACTIVE');
  return settledRequest(runner.baseUrl, id, principal);
};

async function roleStatements(roleName: string) {
  const { PolicyNames } = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
  const docs = [];
  for (const PolicyName of PolicyNames ?? []) {
    const { PolicyDocument } = await clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }));
    docs.push({ PolicyName, document: JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')) });
  }
  return docs;
}

it('applies every kind of grant exactly as approved and removes it on its timer at expiresAt', async () => {
  const invokes: Awaited<ReturnType<typeof create>>[] = [];
  for (const c of PRINCIPAL_CASES) invokes.push(await create({ ...c.ask, durationSeconds: DURATION }));
  const mapping = await create({ eventSourceArn: queueArn, batchSize: 5, durationSeconds: DURATION });

  // Approved side by side, as approvers do.
  const approved = await Promise.all([...invokes, mapping].map((r) => approve(r.id, { comment: 'ok' })));
  const expiries: number[] = [];
  for (const a of approved) {
    expect(a).toMatchObject({ status: 'ACTIVE', approvals: [{ approver: APPROVER, comment: 'ok' }] });
    expect(Date.parse(a.expiresAt) - Date.parse(a.activatedAt)).toBe(DURATION * 1000);
    expiries.push(Date.parse(a.expiresAt));
  }

  // Nothing is removed before expiresAt, whatever the sweep does. Approvals take real time (more on a loaded machine),
  // so earlier grants may have reached their end by now: each grant still ahead of its end is checked, and the last
  // one approved always is, since it was activated a moment ago.
  await call('POST', '/v1/admin/sweep', { principal: ADMIN });
  const checkedAt = Date.now();
  const ahead = (r: { id: string }) => (expiries[[...invokes, mapping].indexOf(r)] ?? 0) > checkedAt + 1_000;
  expect(ahead(mapping)).toBe(true);
  const stored = (await policyStatements(clients, 'order-processor')).map(asAwsStores);
  const ours = stored.filter((s) => String(s.Sid).startsWith('lpb-'));
  for (const s of ours) expect(invokes.map((r) => r.statement)).toContainEqual(s);
  for (const r of invokes.filter(ahead)) expect(ours).toContainEqual(r.statement);
  expect(stored).toContainEqual(FOREIGN);

  const active = (await call('GET', `/v1/requests/${mapping.id}`, { principal: REQUESTER })).body;
  expect(active).toMatchObject({ status: 'ACTIVE', eventSourceMappingUuid: expect.any(String) as unknown });
  const { EventSourceMappings } = await clients.lambda.send(
    new ListEventSourceMappingsCommand({ FunctionName: 'order-processor', EventSourceArn: queueArn }),
  );
  expect(EventSourceMappings?.map((m) => [m.UUID, m.BatchSize])).toEqual([[active.eventSourceMappingUuid, 5]]);

  // …and every grant is gone soon after its end, by its timer alone (the bench holds the lag to the contract's 5 s).
  for (const r of [...invokes, mapping]) {
    const ended = await eventually(
      async () => {
        const got = (await call('GET', `/v1/requests/${r.id}`, { principal: REQUESTER })).body;
        return got.status === 'EXPIRED' ? got : undefined;
      },
      Math.max(0, Math.max(...expiries) - Date.now()) + generousMs('expiry'),
    );
    expect(Date.parse(ended.endedAt) - Date.parse(ended.expiresAt)).toBeLessThanOrEqual(generousMs('expiry'));
    expect(ended.history.map((e: { event: string }) => e.event)).toEqual([
      'CREATED',
      'APPROVAL',
      'APPROVED',
      'ACTIVATED',
      'EXPIRED',
    ]);
  }
  expect((await policyStatements(clients, 'order-processor')).map(asAwsStores)).toEqual([FOREIGN]);
  const after = await clients.lambda.send(
    new ListEventSourceMappingsCommand({ FunctionName: 'order-processor', EventSourceArn: queueArn }),
  );
  expect(after.EventSourceMappings).toEqual([]);
}, 120_000);

it('puts the event source read permissions on the execution role and takes them off again', async () => {
  const r = await create({ eventSourceArn: queueArn });
  const active = await approve(r.id);
  expect(active.status).toBe('ACTIVE');
  const fn = await clients.lambda.send(
    new (await import('@aws-sdk/client-lambda')).GetFunctionCommand({ FunctionName: 'order-processor' }),
  );
  const roleName = fn.Configuration?.Role?.split('/').pop() as string;
  expect(await roleStatements(roleName)).toEqual([
    { PolicyName: r.statementId, document: { Version: '2012-10-17', Statement: [r.statement] } },
  ]);
  expect((await revoke(r.id, REQUESTER, 'done early')).status).toBe('REVOKED');
  expect(await roleStatements(roleName)).toEqual([]);
}, 60_000);

it('revokes at once and refuses self-approval, strangers and a second decision', async () => {
  const r = await create(PRINCIPAL_CASES[2].ask);
  expect((await call('POST', `/v1/requests/${r.id}/approve`, { principal: REQUESTER })).status).toBe(403);
  // A stranger may not see the request: it does not exist for them (issue #15, finding 6).
  expect((await call('POST', `/v1/requests/${r.id}/approve`, { principal: STRANGER })).status).toBe(404);
  expect((await approve(r.id)).status).toBe('ACTIVE');
  expect((await call('POST', `/v1/requests/${r.id}/reject`, { principal: APPROVER })).status).toBe(409);
  expect((await call('POST', `/v1/requests/${r.id}/revoke`, { principal: STRANGER })).status).toBe(404);
  expect(await revoke(r.id, APPROVER, 'incident')).toMatchObject({ status: 'REVOKED' });
  const sids = (await policyStatements(clients, 'order-processor')).map((s) => s.Sid);
  expect(sids).not.toContain(r.statementId);
  expect(sids).toContain(FOREIGN.Sid);
});

it('needs two distinct approvers for a quorum of two', async () => {
  const second = 'arn:aws:iam::123456789012:role/platform-approver-2';
  await call('PUT', '/v1/allowlist/orders', {
    principal: ADMIN,
    body: openEntry({ requiredApprovals: 2, approvers: [APPROVER, second] }),
  });
  try {
    const r = await create(PRINCIPAL_CASES[3].ask);
    expect((await call('POST', `/v1/requests/${r.id}/approve`, { principal: APPROVER })).body.status).toBe('PENDING');
    expect((await call('POST', `/v1/requests/${r.id}/approve`, { principal: APPROVER })).status).toBe(409);
    expect((await policyStatements(clients, 'order-processor')).map((s) => s.Sid)).not.toContain(r.statementId);
    const done = await call('POST', `/v1/requests/${r.id}/approve`, { principal: second });
    expect(done.status).toBe(200);
    expect(await settledRequest(runner.baseUrl, r.id, second)).toMatchObject({
      status: 'ACTIVE',
      approvals: [{ approver: APPROVER }, { approver: second }],
    });
  } finally {
    await call('PUT', '/v1/allowlist/orders', { principal: ADMIN, body: openEntry() });
  }
});

it('cancels a PENDING request for its requester only', async () => {
  const r = await create(PRINCIPAL_CASES[4].ask);
  expect((await call('POST', `/v1/requests/${r.id}/cancel`, { principal: APPROVER })).status).toBe(403);
  expect((await call('POST', `/v1/requests/${r.id}/cancel`, { principal: REQUESTER })).body.status).toBe('CANCELLED');
  expect((await call('POST', `/v1/requests/${r.id}/approve`, { principal: APPROVER })).status).toBe(409);
});

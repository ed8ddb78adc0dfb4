/**
 * Failure half way: AWS-shaped errors injected between the SDK and moto. Whatever fails, after at most two sweeps the
 * broker's statements equal its ACTIVE grants: nothing orphaned, nothing lost.
 */
import { NotAdminError } from '../../domain/errors';
import { AddPermissionCommand } from '@aws-sdk/client-lambda';
import { buildApp, createAwsClients, type App } from '../../handlers/app';
import { loadConfig } from '../../handlers/config';
import {
  approveNow,
  createFunction,
  freshMoto,
  motoEndpoint,
  policyStatements,
  settleNow,
  testClients,
} from '../support/aws';
import { FaultProxy, awsErrors, calls } from '../support/fault-proxy';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../support/fixtures';
import { FixedClock } from '../support/in-memory';
import { UnavailableError } from '../../domain/errors';

const TABLE = 'faults-broker';
let proxy: FaultProxy;
let app: App;
let clock: FixedClock;
let clients: ReturnType<typeof testClients>;

beforeAll(async () => {
  proxy = new FaultProxy(motoEndpoint());
  await proxy.start();
});

afterAll(async () => {
  await proxy.stop();
});

beforeEach(async () => {
  clients = await freshMoto(TABLE);
  await createFunction(clients, 'order-processor');
  proxy.clear();
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: proxy.url,
    BROKER_TABLE_NAME: TABLE,
    BROKER_ADMINS: ADMIN,
    BROKER_LAMBDA_RPS: '15',
  });
  clock = new FixedClock(new Date());
  app = await buildApp(config, createAwsClients(config), { clock, sleep: () => Promise.resolve() });
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
});

const create = async (ask = PRINCIPAL_CASES[2].ask) =>
  (
    await app.createRequest({
      caller: who(REQUESTER),
      ask: { ...baseAsk, ...ask },
      dryRun: false,
      idempotencyKey: null,
    })
  ).request;
/** An approval and the work behind it (what the REST answer and the work queue do). */
const approve = (id: string) => approveNow(app, id);

/** The broker's statements in the function's policy, read past the proxy. */
async function brokerSids(): Promise<string[]> {
  return (await policyStatements(clients, 'order-processor'))
    .map((s) => String(s.Sid))
    .filter((sid) => sid.startsWith('lpb-'))
    .sort();
}

async function activeSids(): Promise<string[]> {
  const page = await app.listRequests({
    caller: who(ADMIN),
    status: 'ACTIVE',
    functionName: null,
    limit: 100,
    nextToken: null,
  });
  return page.items.map((r) => r.statementId).sort();
}

async function expectConvergedWithin(sweeps: number): Promise<void> {
  for (let i = 0; i < sweeps; i++) await app.sweep();
  expect(await brokerSids()).toEqual(await activeSids());
}

it('rides out a 429 storm: the decision stands and the grant lands', async () => {
  const request = await create();
  // More 429s in a row than one call's SDK attempts (5): the call fails, and the work is retried later.
  const storm = proxy.add({ match: calls.lambdaControlPlane, times: 6, mode: 'error', ...awsErrors.lambdaThrottled() });
  const decided = await approve(request.id);
  expect(decided.status).toBe('APPROVED');
  await expectConvergedWithin(2);
  expect(storm.hits).toBe(6);
  expect(await activeSids()).toEqual([request.statementId]);
}, 60_000);

it('re-reads and retries a stale RevisionId (412) on AddPermission', async () => {
  const stale = proxy.add({ match: calls.addPermission, times: 2, mode: 'error', ...awsErrors.lambdaStaleRevision() });
  const request = await create();
  expect((await approve(request.id)).status).toBe('ACTIVE');
  expect(stale.hits).toBe(2);
  expect(await brokerSids()).toEqual([request.statementId]);
});

it('survives 500s from Lambda and DynamoDB', async () => {
  const request = await create();
  proxy.add({ match: calls.getPolicy, times: 6, mode: 'error', ...awsErrors.lambdaServiceError() });
  expect((await approve(request.id)).status).toBe('APPROVED');
  const dynamoDown = proxy.add({
    match: calls.dynamo('PutItem'),
    times: 4,
    mode: 'error',
    ...awsErrors.dynamoInternal(),
  });
  await expectConvergedWithin(2);
  expect(dynamoDown.hits).toBe(4);
  expect(await activeSids()).toEqual([request.statementId]);
}, 60_000);

it('finishes an activation when the database write after AddPermission failed', async () => {
  const request = await create();
  // The statement lands, then the write that records ACTIVE fails every SDK attempt: as if the broker died there.
  const afterAdd = (c: Parameters<typeof calls.addPermission>[0]) =>
    calls.dynamo('PutItem')(c) && proxy.seen.some(calls.addPermission);
  const lost = proxy.add({ match: afterAdd, times: 10, mode: 'error', ...awsErrors.dynamoInternal() });
  // The decision stands (APPROVED is stored); the activation is left to the sweep.
  expect((await approve(request.id)).status).toBe('APPROVED');
  expect(lost.hits).toBeGreaterThan(0);
  lost.times = lost.hits ?? 0;
  expect(await brokerSids()).toEqual([request.statementId]);
  expect((await app.getRequest(who(ADMIN), request.id)).status).toBe('APPROVED');
  await expectConvergedWithin(1);
  expect((await app.getRequest(who(ADMIN), request.id)).status).toBe('ACTIVE');
  expect(proxy.seen.filter(calls.addPermission)).toHaveLength(1);
}, 60_000);

it('finishes a revoke when RemovePermission failed after the revoke was recorded', async () => {
  const request = await create();
  await approve(request.id);
  proxy.add({ match: calls.removePermission, times: 6, mode: 'error', ...awsErrors.lambdaServiceError() });
  await app.revokeRequest(who(REQUESTER), request.id, 'leaked key');
  const outcome = await app.settle.settleWithin(request.id, 20_000);
  expect(outcome).toMatchObject({ kind: 'retry', request: { status: 'ACTIVE', ending: { as: 'REVOKED' } } });
  expect(await brokerSids()).toEqual([request.statementId]);
  await expectConvergedWithin(1);
  expect((await app.getRequest(who(ADMIN), request.id)).status).toBe('REVOKED');
  expect(await brokerSids()).toEqual([]);
}, 60_000);

it('records the end once when RemovePermission succeeded but its answer was lost', async () => {
  const request = await create();
  await approve(request.id);
  clock.advance(3600);
  proxy.add({ match: calls.removePermission, times: 1, mode: 'afterForward', ...awsErrors.lambdaServiceError() });
  proxy.add({ match: calls.removePermission, times: 5, mode: 'error', ...awsErrors.lambdaServiceError() });
  const first = await app.sweep();
  expect(first).toMatchObject({ expired: 0, retryLater: 1 });
  await expectConvergedWithin(1);
  expect((await app.getRequest(who(ADMIN), request.id)).status).toBe('EXPIRED');
}, 60_000);

it('fails a grant that would push the policy past 20 KB and leaves the policy unchanged', async () => {
  for (let i = 0; i < 70; i++) {
    await clients.lambda.send(
      new AddPermissionCommand({
        FunctionName: 'order-processor',
        StatementId: `team-${i}`,
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: `arn:aws:sns:us-east-1:123456789012:${'x'.repeat(120)}-${i}`,
      }),
    );
  }
  const before = await policyStatements(clients, 'order-processor');
  const request = await create();
  const failed = await approve(request.id);
  expect(failed.status).toBe('FAILED');
  expect(failed.failure?.reason).toMatch(/would grow to \d+ bytes, over Lambda's limit of 20480/);
  expect(await policyStatements(clients, 'order-processor')).toEqual(before);
  expect(proxy.seen.filter(calls.addPermission)).toHaveLength(0);
}, 60_000);

it('gives one activation and one statement when two approvals race', async () => {
  await app.allowlist.put(
    who(ADMIN),
    'orders',
    openEntry({ approvers: [APPROVER, 'arn:aws:iam::123456789012:role/platform-approver-2'] }),
  );
  const request = await create();
  await Promise.allSettled([
    approve(request.id),
    approveNow(app, request.id, 'arn:aws:iam::123456789012:role/platform-approver-2'),
  ]);
  await settleNow(app, request.id);
  const done = await app.getRequest(who(ADMIN), request.id);
  expect(done.status).toBe('ACTIVE');
  expect(done.history.filter((e) => e.event === 'ACTIVATED')).toHaveLength(1);
  expect(await brokerSids()).toEqual([request.statementId]);
});

describe('extension (docs/api.md, `POST /v1/requests/{id}/extend`)', () => {
  const transaction = calls.dynamo('TransactWriteItems');
  const extend = (id: string, durationSeconds = 1800) =>
    app.extendRequest({
      caller: who(REQUESTER),
      id,
      durationSeconds,
      reason: 'the release runs late tonight',
      ticket: null,
    });
  const extensionsOf = async () =>
    (
      await app.listRequests({ caller: who(ADMIN), status: null, functionName: null, limit: 100, nextToken: null })
    ).items
      .filter((r) => r.extends !== null)
      .map((r) => r.id);

  it('stores an extension and its place in the grant together, or neither: a failed transaction leaves nothing half done', async () => {
    const grant = await create();
    expect((await approve(grant.id)).status).toBe('ACTIVE');
    const down = proxy.add({ match: transaction, times: 10, mode: 'error', ...awsErrors.dynamoInternal() });
    await expect(extend(grant.id)).rejects.toThrow(UnavailableError);
    expect(down.hits).toBeGreaterThan(0);
    down.times = down.hits ?? 0;
    expect((await app.getRequest(who(ADMIN), grant.id)).extensions).toEqual([]);
    expect(await extensionsOf()).toEqual([]);

    // Cancelled because the grant changed under it (as DynamoDB reports it): read again and decide again.
    const cancelled = proxy.add({
      match: transaction,
      times: 1,
      mode: 'error',
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        Message:
          'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
        CancellationReasons: [
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        ],
      },
    });
    const extension = await extend(grant.id);
    expect(cancelled.hits).toBe(1);
    expect(await extensionsOf()).toEqual([extension.id]);
    expect((await app.getRequest(who(ADMIN), grant.id)).extensions).toEqual([extension.id]);
  }, 60_000);

  it('moves the end with no Lambda call at all', async () => {
    const grant = await create();
    const active = await approve(grant.id);
    const mark = proxy.seen.length;
    const extension = await extend(grant.id, 900);
    expect((await approveNow(app, extension.id)).status).toBe('EXTENDED');
    expect(proxy.seen.slice(mark).filter((c) => c.path.startsWith('/2015-03-31/'))).toEqual([]);
    const moved = await app.getRequest(who(ADMIN), grant.id);
    expect(Date.parse(moved.expiresAt as string) - Date.parse(active.expiresAt as string)).toBe(900_000);
    expect(await brokerSids()).toEqual([grant.statementId]);
  });
});

describe('refusals that retrying cannot cure', () => {
  it('fails an apply AWS refuses for good at once, with AWS’s reason', async () => {
    const denied = proxy.add({
      match: calls.addPermission,
      times: 1_000,
      mode: 'error',
      ...awsErrors.lambdaAccessDenied('lambda:AddPermission'),
    });
    const request = await create();
    const decided = await approve(request.id);
    expect(decided).toMatchObject({
      status: 'FAILED',
      failure: { reason: expect.stringContaining('AccessDeniedException') as unknown },
    });
    // Not retried: one call, no 30 minutes of trying.
    expect(denied.hits).toBe(1);
    expect(await brokerSids()).toEqual([]);
  });

  it('blocks a removal AWS refuses for good: said once, listed as overdue, tried every 5 minutes, ended once it goes through', async () => {
    const request = await create();
    expect((await approve(request.id)).status).toBe('ACTIVE');
    const denied = proxy.add({
      match: calls.removePermission,
      times: 1_000,
      mode: 'error',
      ...awsErrors.lambdaAccessDenied('lambda:RemovePermission'),
    });
    const events = async () => (await app.getRequest(who(ADMIN), request.id)).history.map((e) => e.event);
    const overdue = async (caller = ADMIN) =>
      (
        await app.listRequests({
          caller: who(caller),
          status: null,
          functionName: null,
          limit: 25,
          nextToken: null,
          overdue: true,
        })
      ).items.map((r) => r.id);

    clock.advance(3600 + 1);
    await app.sweep();
    expect(denied.hits).toBe(1);
    const blocked = await app.getRequest(who(ADMIN), request.id);
    expect(blocked).toMatchObject({ status: 'ACTIVE', removalBlockedSince: clock.now().toISOString() });
    expect(blocked.history.at(-1)).toMatchObject({
      event: 'REMOVAL_BLOCKED',
      detail: { code: 'AccessDeniedException', reason: expect.stringContaining('RemovePermission') as unknown },
    });

    // Sweeps within the 5 minutes leave it alone; it is overdue, for admins to see.
    clock.advance(90);
    const report = await app.sweep();
    expect(denied.hits).toBe(1);
    expect(report.overdue).toEqual({ count: 1, oldestSeconds: 91 });
    expect(await overdue()).toEqual([request.id]);
    await expect(overdue(REQUESTER)).rejects.toThrow(NotAdminError);

    // Five minutes on: one more try, still blocked, said once.
    clock.advance(211);
    await app.sweep();
    expect(denied.hits).toBe(2);
    expect((await events()).filter((e) => e === 'REMOVAL_BLOCKED')).toHaveLength(1);

    // The fault lifts (the SCP is fixed): the next try removes it, and the grant ends as it would have.
    proxy.clear();
    clock.advance(301);
    await app.sweep();
    expect((await events()).slice(-3)).toEqual(['REMOVAL_BLOCKED', 'REMOVAL_UNBLOCKED', 'EXPIRED']);
    expect(await app.getRequest(who(ADMIN), request.id)).toMatchObject({
      status: 'EXPIRED',
      removalBlockedSince: null,
    });
    expect(await brokerSids()).toEqual([]);
    expect(await overdue()).toEqual([]);
  });
});

it('stores an ask whose policy Lambda cannot read now, without a preview and saying why', async () => {
  // The function busy with an update (409: passes by itself, and the SDK does not retry it).
  const busy = {
    status: 409,
    headers: { 'x-amzn-errortype': 'ResourceConflictException' },
    body: { Type: 'User', message: 'An update is in progress for resource: order-processor' },
  };
  proxy.add({ match: calls.getPolicy, times: 1, mode: 'error', ...busy });
  const request = await create();
  expect(request).toMatchObject({ status: 'PENDING', policyPreview: null });
  expect(request.warnings).toEqual([
    'sourceArn: not found: no SNS topic orders-topic in account 123456789012',
    expect.stringMatching(/^policyPreview: the function's policy could not be read \(AWS Lambda is busy/),
  ]);
});

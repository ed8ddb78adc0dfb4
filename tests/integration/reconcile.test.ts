/**
 * Drift reconcile against moto: orphans removed, missing statements re-applied, a statement that changed meaning
 * (a deleted role shown as its AROA… id) flagged, foreign statements untouched, and principals that moto stores in
 * another form (raw account id, raw ARN) not mistaken for drift; versions and aliases checked apart (moto shares one
 * policy among them, their statements' Resources still tell them apart); event source grants' mappings and role
 * policies repaired or flagged; a function the broker may not read reported while the others are reconciled.
 */
import { DeleteRolePolicyCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  DeleteEventSourceMappingCommand,
  GetFunctionCommand,
  ListEventSourceMappingsCommand,
  RemovePermissionCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { buildApp, createAwsClients, type App } from '../../handlers/app';
import { loadConfig } from '../../handlers/config';
import {
  approveNow,
  createFunction,
  createQueue,
  motoApp,
  motoEndpoint,
  policyStatements,
  testClients,
} from '../support/aws';
import { FaultProxy, calls } from '../support/fault-proxy';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../support/fixtures';

let app: App;
let clients: ReturnType<typeof testClients>;

beforeEach(async () => {
  ({ app, clients } = await motoApp('reconcile-broker', {}, { sleep: () => Promise.resolve() }));
  for (const name of ['order-processor', 'order-auditor', 'billing-engine']) await createFunction(clients, name);
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
});

async function activeGrant(ask: Record<string, unknown>) {
  const { request } = await app.createRequest({
    caller: who(REQUESTER),
    ask: { ...baseAsk, ...ask },
    dryRun: false,
    idempotencyKey: null,
  });
  const active = await approveNow(app, request.id);
  expect(active.status).toBe('ACTIVE');
  return active;
}

const add = (fn: string, sid: string, principal: string) =>
  clients.lambda.send(
    new AddPermissionCommand({
      FunctionName: fn,
      StatementId: sid,
      Action: 'lambda:InvokeFunction',
      Principal: principal,
    }),
  );
const sids = async (fn: string) => (await policyStatements(clients, fn)).map((s) => s.Sid).sort();

it('finds nothing to do when policies match, even with principals stored in another form', async () => {
  const account = await activeGrant(PRINCIPAL_CASES[5].ask);
  const role = await activeGrant(PRINCIPAL_CASES[6].ask);
  // moto keeps both principals as raw strings where AWS would store {"AWS": …}.
  expect((await policyStatements(clients, 'order-processor')).map((s) => s.Principal)).toEqual([
    '987654321098',
    'arn:aws:iam::987654321098:role/orders-reader',
  ]);
  const report = await app.reconcile();
  expect(report).toEqual({
    checkedFunctions: 2,
    orphansRemoved: [],
    missing: [],
    failures: [],
    accountsUnreachable: [],
    nextCursor: null,
  });
  expect(await sids('order-processor')).toEqual([account.statementId, role.statementId].sort());
});

it('removes orphans, re-applies what is missing, flags what changed meaning, and leaves foreign statements alone', async () => {
  const missing = await activeGrant(PRINCIPAL_CASES[2].ask);
  const changed = await activeGrant(PRINCIPAL_CASES[6].ask);
  await clients.lambda.send(
    new RemovePermissionCommand({ FunctionName: 'order-processor', StatementId: missing.statementId }),
  );
  // The grantee role was deleted: AWS now shows its unique id in place of the ARN.
  await clients.lambda.send(
    new RemovePermissionCommand({ FunctionName: 'order-processor', StatementId: changed.statementId }),
  );
  await add('order-processor', changed.statementId, 'AROA3XFRBF535PLBIFPI4');
  await add('order-processor', 'lpb-orphan-1', '987654321098');
  await add('order-auditor', 'lpb-orphan-2', '987654321098');
  await add('order-auditor', 'team-owned', '987654321098');
  await add('billing-engine', 'lpb-not-ours-to-judge', '987654321098');

  const report = await app.reconcile();
  expect(report.checkedFunctions).toBe(2);
  expect(report.orphansRemoved.sort((a, b) => (a.statementId < b.statementId ? -1 : 1))).toEqual([
    { functionArn: missing.functionArn, qualifier: null, statementId: 'lpb-orphan-1' },
    {
      functionArn: missing.functionArn.replace('order-processor', 'order-auditor'),
      qualifier: null,
      statementId: 'lpb-orphan-2',
    },
  ]);
  expect(report.missing).toEqual(
    expect.arrayContaining([
      {
        requestId: missing.id,
        functionArn: missing.functionArn,
        statementId: missing.statementId,
        action: 'REAPPLIED',
        part: 'statement',
        reason: 'the statement was missing from the policy',
      },
      expect.objectContaining({ requestId: changed.id, action: 'FLAGGED', part: 'statement' }),
    ]),
  );
  expect(await sids('order-processor')).toEqual([changed.statementId, missing.statementId].sort());
  expect(await sids('order-auditor')).toEqual(['team-owned']);
  // Outside every allowlist entry: not the broker's to reconcile.
  expect(await sids('billing-engine')).toEqual(['lpb-not-ours-to-judge']);
  const flagged = await app.getRequest(who(ADMIN), changed.id);
  expect(flagged.history.at(-1)).toMatchObject({ event: 'DRIFT', detail: { action: 'FLAGGED' } });
  expect(flagged.status).toBe('ACTIVE');
});

it('leaves statements of requests still being applied alone', async () => {
  const { request } = await app.createRequest({
    caller: who(REQUESTER),
    ask: { ...baseAsk, ...PRINCIPAL_CASES[5].ask },
    dryRun: false,
    idempotencyKey: null,
  });
  // As if the broker stopped right after AddPermission, before recording ACTIVE.
  const { DynamoRequestStore } = await import('../../adapters/dynamodb/request-store');
  const { move } = await import('../../domain/state-machine');
  await new DynamoRequestStore(clients.doc, 'reconcile-broker').update(
    request,
    move(request, 'APPROVED', { at: new Date(), actor: APPROVER }),
  );
  await add('order-processor', request.statementId, '987654321098');
  expect((await app.reconcile()).orphansRemoved).toEqual([]);
  expect(await sids('order-processor')).toEqual([request.statementId]);
});

it('checks the policy of every version and alias of a matched function, each apart', async () => {
  await createFunction(clients, 'order-router', { alias: 'live' });
  const unqualified = await activeGrant({ ...PRINCIPAL_CASES[5].ask, functionName: 'order-router' });
  const onAlias = await activeGrant({ ...PRINCIPAL_CASES[6].ask, functionName: 'order-router', qualifier: 'live' });
  // The alias grant's statement vanished; a broker statement nothing granted sits in version 1's policy.
  await clients.lambda.send(
    new RemovePermissionCommand({ FunctionName: 'order-router', Qualifier: 'live', StatementId: onAlias.statementId }),
  );
  await clients.lambda.send(
    new AddPermissionCommand({
      FunctionName: 'order-router',
      Qualifier: '1',
      StatementId: 'lpb-orphan-v1',
      Action: 'lambda:InvokeFunction',
      Principal: '987654321098',
    }),
  );
  const report = await app.reconcile();
  expect(report.orphansRemoved).toEqual([
    { functionArn: unqualified.functionArn, qualifier: '1', statementId: 'lpb-orphan-v1' },
  ]);
  expect(report.missing).toEqual([
    expect.objectContaining({ requestId: onAlias.id, action: 'REAPPLIED', part: 'statement' }),
  ]);
  // order-auditor, order-processor, and order-router with its version 1 and alias live.
  expect(report.checkedFunctions).toBe(5);
  expect(await sids('order-router')).toEqual([onAlias.statementId, unqualified.statementId].sort());
});

describe('event source grants', () => {
  const mappingGrant = async (queue: string) => activeGrant({ eventSourceArn: await createQueue(clients, queue) });
  const roleName = async () =>
    ((await clients.lambda.send(new GetFunctionCommand({ FunctionName: 'order-processor' }))).Configuration?.Role ?? '')
      .split('/')
      .pop() as string;

  it('creates a deleted mapping again and records its new uuid; puts a deleted role policy back', async () => {
    const grant = await mappingGrant('order-queue');
    await clients.lambda.send(new DeleteEventSourceMappingCommand({ UUID: grant.eventSourceMappingUuid as string }));
    await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: await roleName(), PolicyName: grant.statementId }));

    const report = await app.reconcile();
    expect(report.missing.map((m) => [m.requestId, m.part, m.action])).toEqual([
      [grant.id, 'rolePolicy', 'REAPPLIED'],
      [grant.id, 'mapping', 'REAPPLIED'],
    ]);
    const repaired = await app.getRequest(who(ADMIN), grant.id);
    expect(repaired.eventSourceMappingUuid).not.toBe(grant.eventSourceMappingUuid);
    const { EventSourceMappings } = await clients.lambda.send(
      new ListEventSourceMappingsCommand({
        FunctionName: 'order-processor',
        EventSourceArn: grant.eventSourceArn as string,
      }),
    );
    expect(EventSourceMappings?.map((m) => m.UUID)).toEqual([repaired.eventSourceMappingUuid]);
    const { PolicyDocument } = await clients.iam.send(
      new GetRolePolicyCommand({ RoleName: await roleName(), PolicyName: grant.statementId }),
    );
    expect(JSON.parse(decodeURIComponent(PolicyDocument ?? ''))).toEqual({
      Version: '2012-10-17',
      Statement: [grant.statement],
    });
    expect(repaired.history.filter((e) => e.event === 'DRIFT').map((e) => e.detail.part)).toEqual([
      'rolePolicy',
      'mapping',
    ]);
    // Whole again: the next run finds nothing.
    expect((await app.reconcile()).missing).toEqual([]);
  });

  it('flags a disabled mapping, and records that finding once however often it is found', async () => {
    const grant = await mappingGrant('order-queue-2');
    await clients.lambda.send(
      new UpdateEventSourceMappingCommand({ UUID: grant.eventSourceMappingUuid as string, Enabled: false }),
    );
    for (let run = 0; run < 3; run++) {
      expect((await app.reconcile()).missing).toEqual([
        expect.objectContaining({
          requestId: grant.id,
          part: 'mapping',
          action: 'FLAGGED',
          reason: 'the event source mapping is disabled',
        }),
      ]);
    }
    const flagged = await app.getRequest(who(ADMIN), grant.id);
    expect(flagged.history.filter((e) => e.event === 'DRIFT')).toHaveLength(1);
    expect(flagged.status).toBe('ACTIVE');
  });
});

describe('a target it may not read', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = new FaultProxy(motoEndpoint());
    await proxy.start();
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it('is reported, and every other function is still reconciled', async () => {
    const config = loadConfig({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: proxy.url,
      BROKER_TABLE_NAME: 'reconcile-broker',
      BROKER_ADMINS: ADMIN,
    });
    const proxied = await buildApp(config, createAwsClients(config), { sleep: () => Promise.resolve() });
    await add('order-auditor', 'lpb-orphan-a', '987654321098');
    await add('order-processor', 'lpb-orphan-p', '987654321098');
    const denied = proxy.add({
      match: (c) => calls.getPolicy(c) && c.path.includes('order-auditor'),
      times: 100,
      mode: 'error',
      status: 403,
      headers: { 'x-amzn-errortype': 'AccessDeniedException' },
      body: {
        Message:
          'User: arn:aws:sts::123456789012:assumed-role/broker/x is not authorized to perform: lambda:GetPolicy on resource: order-auditor',
      },
    });
    const report = await proxied.reconcile();
    expect(denied.hits).toBeGreaterThan(0);
    expect(report.failures).toEqual([
      {
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-auditor',
        qualifier: null,
        error: expect.stringMatching(
          /^GrantRejectedError: AWS Lambda refused \(AccessDeniedException\): .*not authorized to perform: lambda:GetPolicy/,
        ) as unknown,
      },
    ]);
    expect(report.orphansRemoved.map((o) => o.statementId)).toEqual(['lpb-orphan-p']);
    expect(await sids('order-auditor')).toEqual(['lpb-orphan-a']);
    expect(report.nextCursor).toBeNull();
  });
});

describe('the hourly run (docs/runbook.md, Drift findings)', () => {
  const ACCOUNT_NOW = '123456789012';
  const progressKey = { PK: `RECONCILE#${ACCOUNT_NOW}`, SK: '#PROGRESS' };
  /** A broker process whose clock says `at`. */
  const processAt = (at: Date) => {
    const config = loadConfig({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: motoEndpoint(),
      BROKER_TABLE_NAME: 'reconcile-broker',
      BROKER_ADMINS: ADMIN,
    });
    return buildApp(config, createAwsClients(config), { sleep: () => Promise.resolve(), clock: { now: () => at } });
  };

  it('stores where each account stands in the table, and the next process goes on from there', async () => {
    const t0 = new Date('2026-12-01T10:00:00.000Z');
    const first = await (await processAt(t0)).reconcile({ resume: true });
    // order-auditor and order-processor (an entry matches them); billing-engine is nobody's.
    expect(first.checkedFunctions).toBe(2);
    const { Item } = await clients.doc.send(new GetCommand({ TableName: 'reconcile-broker', Key: progressKey }));
    // The pass went round: the next one starts from the first function; everything was checked since t0.
    expect(Item).toMatchObject({ next: null, previousPassStartedAt: t0.toISOString() });

    const later = await processAt(new Date(t0.getTime() + 2 * 3600_000));
    // Left off before order-processor (say, the last run ran out of time there): this one starts with it.
    await clients.doc.send(
      new PutCommand({
        TableName: 'reconcile-broker',
        Item: {
          ...progressKey,
          account: ACCOUNT_NOW,
          next: `arn:aws:lambda:us-east-1:${ACCOUNT_NOW}:function:order-processor`,
          passStartedAt: t0.toISOString(),
          previousPassStartedAt: null,
        },
      }),
    );
    await add('order-auditor', 'lpb-orphan-a', '987654321098');
    await add('order-processor', 'lpb-orphan-p', '987654321098');
    const second = await later.reconcile({ resume: true });
    expect(second.orphansRemoved.map((o) => o.statementId)).toEqual(['lpb-orphan-p', 'lpb-orphan-a']);
    // The first pass started two hours ago and order-processor had not been checked in it.
    expect(second.oldestCheckSeconds).toBe(2 * 3600);
  });
});

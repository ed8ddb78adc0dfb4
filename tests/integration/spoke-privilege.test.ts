/**
 * Least privilege in the spoke accounts (beside least-privilege.test.ts, which covers the broker's own account). The
 * broker's functions act on a function in a spoke account against moto — create and auto-apply, approve and revoke
 * both kinds, sweeps, queued work and expiry timers, reconcile, the Slack notification — each as a fresh process (its
 * own cold start, no credentials cached), through its real entry code. Every call made with the spoke role's
 * credentials is recorded as the IAM action it needs, and so is each function's AssumeRole in the hub. Then the spoke
 * role template (deploy/spoke-role.yml) must allow exactly the actions called in the spoke, and exactly the functions
 * that assumed it may assume it (policies/broker-roles.json `spokes`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateEventSourceMappingCommand,
  GetFunctionCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import { load } from 'js-yaml';
import { SPOKE_SESSION_NAME } from '../../adapters/aws/spoke-role-credentials';
import { ensureQueues } from '../../adapters/sqs/ensure-queues';
import { buildApp, createAwsClients, createSpokeClients, type App } from '../../handlers/app';
import { loadConfig, type BrokerConfig } from '../../handlers/config';
import { processNotifyMessages, processWorkMessages } from '../../handlers/events/process-queues';
import { OPERATIONS_BY_FUNCTION } from '../../handlers/http/all-operations';
import { apiHandler } from '../../handlers/http/api-handler';
import {
  BROKER_ACCOUNT,
  approveNow,
  clientsInAccount,
  createFunction,
  createQueue,
  freshMoto,
  motoEndpoint,
  settleNow,
  testClients,
} from '../support/aws';
import { functionsWithSpokeAccess } from '../support/deployed-roles';
import { untilWorkDone } from '../support/follow-work';
import { iamActionOf, impliedActionOf } from '../support/iam-actions';
import { FakeSlack, signedClick } from '../support/fake-slack';
import {
  ADMIN,
  APPROVER,
  OTHER_ACCOUNT,
  REQUESTER,
  SPOKE_ACCOUNT,
  baseAsk,
  fnArnIn,
  openEntry,
  who,
} from '../support/fixtures';
import { FixedClock } from '../support/in-memory';
import { apiEvent, lambdaContext, newRequest } from '../support/in-memory-app';

jest.setTimeout(60_000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const deployed = require('../../deploy/functions.js') as Parameters<typeof functionsWithSpokeAccess>[0];

const TABLE = 'spoke-privilege';
const SPOKE = SPOKE_ACCOUNT;
const SPOKE_FUNCTION = fnArnIn(SPOKE);
const AUTO_REQUESTER = `arn:aws:iam::${BROKER_ACCOUNT}:role/auto-ci`;
/**
 * Callers of the spoke named with a role path: matching them reads their role with iam:GetRole in the spoke (through
 * its spoke role), whichever function asks.
 */
const SPOKE_ADMINS = `arn:aws:iam::${SPOKE}:role/platform/*`;
const SPOKE_REQUESTERS = `arn:aws:iam::${SPOKE}:role/teams/*`;
const SPOKE_ADMIN = `arn:aws:sts::${SPOKE}:assumed-role/spoke-admin/erin`;
const SPOKE_REQUESTER = `arn:aws:sts::${SPOKE}:assumed-role/spoke-ci/build-1`;
const SIGNING_SECRET = 'spoke-secret';

/** The IAM actions called with the spoke role's credentials, per broker function. */
const inSpoke = new Map<string, Set<string>>();
/** The broker functions that called sts:AssumeRole in the hub. */
const assumedBy = new Set<string>();

let config: BrokerConfig;
let clock: FixedClock;
let slack: FakeSlack;
let setup: App;
let spoke: ReturnType<typeof testClients>;
let queues: string[];

type Recordable = { middlewareStack: { add: (mw: unknown, options: unknown) => void } };
function recordActions(client: unknown, onAction: (action: string) => void): void {
  (client as Recordable).middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { clientName: string; commandName: string }) =>
      (args: unknown) => {
        const action = iamActionOf(context.clientName, context.commandName.replace(/Command$/, ''));
        onAction(action);
        const implied = impliedActionOf(action, (args as { input: Record<string, unknown> }).input);
        if (implied) onAction(implied);
        return next(args);
      },
    { step: 'initialize', name: 'recordSpokeActions' },
  );
}

/** One function's cold start: a broker process of its own, nothing cached, its calls recorded under its name. */
function coldStart(fn: string): Promise<App> {
  const clients = createAwsClients(config);
  recordActions(clients.sts, (action) => action === 'sts:AssumeRole' && assumedBy.add(fn));
  const calls = inSpoke.get(fn) ?? new Set<string>();
  inSpoke.set(fn, calls);
  return buildApp(config, clients, {
    clock,
    sleep: () => Promise.resolve(),
    spokeClients: (cfg, credentials) => {
      const built = createSpokeClients(cfg, credentials);
      for (const client of Object.values(built)) recordActions(client, (action) => calls.add(action));
      return built;
    },
  });
}

async function http(app: App, fn: keyof typeof OPERATIONS_BY_FUNCTION, event: ReturnType<typeof apiEvent>) {
  const answer = await apiHandler(OPERATIONS_BY_FUNCTION[fn], () => Promise.resolve(app))(event, lambdaContext);
  const body = await untilWorkDone(app, JSON.parse(answer.body || 'null'));
  return { status: answer.statusCode, body: body as Record<string, any> };
}
const as = (principal: string) => ({ 'X-Broker-Principal': principal });

const invokeAsk = () => ({ functionName: SPOKE_FUNCTION, principal: OTHER_ACCOUNT });
const mappingAsk = () => ({ functionName: SPOKE_FUNCTION, eventSourceArn: queues.shift() as string });
/** Created (and decided) by a set-up process whose calls are not recorded. */
const pending = (ask: Record<string, unknown>) => newRequest(setup, ask);
async function approved(ask: Record<string, unknown>) {
  const r = await pending(ask);
  return setup.decide.approve({ approver: who(APPROVER), id: r.id, comment: null });
}
async function active(ask: Record<string, unknown>) {
  const r = await approveNow(setup, (await pending(ask)).id);
  expect(r.status).toBe('ACTIVE');
  return r;
}
/** Due work of every kind: grants to apply and grants past their end. */
async function dueWork() {
  const ending = [await active(invokeAsk()), await active(mappingAsk())];
  const starting = [await approved(invokeAsk()), await approved(mappingAsk())];
  clock.advance(3601);
  return { ending, starting };
}
/** An ACTIVE grant whose statement vanished, and a broker-prefixed statement nothing granted. */
async function drift(tag: string) {
  const r = await active(invokeAsk());
  await spoke.lambda.send(new RemovePermissionCommand({ FunctionName: 'order-processor', StatementId: r.statementId }));
  await spoke.lambda.send(
    new AddPermissionCommand({
      FunctionName: 'order-processor',
      StatementId: `lpb-orphan-${tag}`,
      Action: 'lambda:InvokeFunction',
      Principal: OTHER_ACCOUNT,
    }),
  );
}

beforeAll(async () => {
  const hub = await freshMoto(TABLE);
  spoke = await clientsInAccount(SPOKE);
  await createFunction(spoke, 'order-processor');
  await spoke.iam.send(
    new CreateRoleCommand({ RoleName: 'spoke-admin', Path: '/platform/', AssumeRolePolicyDocument: '{}' }),
  );
  await spoke.iam.send(
    new CreateRoleCommand({ RoleName: 'spoke-ci', Path: '/teams/', AssumeRolePolicyDocument: '{}' }),
  );
  const { Configuration } = await spoke.lambda.send(new GetFunctionCommand({ FunctionName: 'order-processor' }));
  const role = Configuration?.Role?.split('/').pop();
  // Another inline policy on the execution role, so the size check reads it.
  await spoke.iam.send(
    new PutRolePolicyCommand({
      RoleName: role,
      PolicyName: 'team-policy',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
      }),
    }),
  );
  // The spoke's queues are under a key of the spoke's: the broker looks it up there (kms:DescribeKey).
  const { KeyMetadata } = await spoke.kms.send(new CreateKeyCommand({}));
  await spoke.kms.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: KeyMetadata?.KeyId }));
  queues = [];
  for (let i = 0; i < 12; i++) {
    queues.push(await createQueue(spoke, `order-queue-${i}`, { KmsMasterKeyId: 'alias/orders' }));
  }
  const brokerQueues = await ensureQueues(hub.sqs, TABLE);
  slack = new FakeSlack('xoxb-spoke');
  await slack.start();
  config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: TABLE,
    BROKER_ADMINS: `${ADMIN},${SPOKE_ADMINS}`,
    BROKER_IDENTITY: 'header',
    BROKER_TARGET_ACCOUNTS: `${BROKER_ACCOUNT},${SPOKE}`,
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: 'xoxb-spoke',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    BROKER_WORK_QUEUE_URL: brokerQueues.workQueueUrl,
    BROKER_NOTIFY_QUEUE_URL: brokerQueues.notifyQueueUrl,
  });
  clock = new FixedClock(new Date());
  setup = await buildApp(config, createAwsClients(config), { clock, sleep: () => Promise.resolve() });
  const spokeFunctions = {
    functions: [`arn:aws:lambda:us-east-1:${SPOKE}:function:order-*`],
    eventSourceArns: [
      `arn:aws:sqs:us-east-1:${SPOKE}:order-*`,
      `arn:aws:kinesis:us-east-1:${SPOKE}:stream/order-*`,
      `arn:aws:dynamodb:us-east-1:${SPOKE}:table/order*/stream/*`,
    ],
    // The spoke's own sources, which source proof reads there.
    sourceArns: [
      ...openEntry().sourceArns,
      `arn:aws:sns:us-east-1:${SPOKE}:orders-*`,
      `arn:aws:events:us-east-1:${SPOKE}:rule/orders-*`,
      `arn:aws:execute-api:us-east-1:${SPOKE}:*`,
    ],
    sourceAccounts: [BROKER_ACCOUNT, SPOKE],
  };
  await setup.allowlist.put(
    who(ADMIN),
    'orders',
    openEntry({
      ...spokeFunctions,
      requesters: [...openEntry().requesters, SPOKE_REQUESTERS],
      slackChannel: 'C0123ABCD',
    }),
  );
  await setup.allowlist.put(
    who(ADMIN),
    'auto',
    openEntry({
      ...spokeFunctions,
      requesters: [AUTO_REQUESTER],
      autoApprove: true,
      requiredApprovals: 0,
      approvers: [],
    }),
  );
}, 120_000);

afterAll(async () => {
  await slack?.stop();
});

it('requests: resolves the function in its account, and applies auto-approved grants at once', async () => {
  const app = await coldStart('requests');
  const create = (ask: Record<string, unknown>, who: string) =>
    http(app, 'requests', apiEvent('POST', '/v1/requests', { body: { ...baseAsk, ...ask }, headers: as(who) }));
  /**
   * Where an auto-approved grant ends: the answer waits about a second for its work; on a busy machine it may still
   * say APPROVED, and the work the requests function would go on with settles it.
   */
  const ended = async (ask: Record<string, unknown>) => {
    const res = await create(ask, AUTO_REQUESTER);
    expect(res.status).toBe(201);
    const body = res.body as { id: string; status: string };
    return body.status === 'APPROVED' ? (await settleNow(app, body.id)).status : body.status;
  };
  expect(await create(invokeAsk(), REQUESTER)).toMatchObject({ status: 201, body: { status: 'PENDING' } });
  // A team of the spoke, named by its role path: its role is read in the spoke.
  expect(await create(invokeAsk(), SPOKE_REQUESTER)).toMatchObject({ status: 201, body: { status: 'PENDING' } });
  expect(await ended(invokeAsk())).toBe('ACTIVE');
  expect(await ended(mappingAsk())).toBe('ACTIVE');
  // Source proof reads each kind of source in the spoke, through its role (none of these exist there).
  for (const ask of [
    { principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:us-east-1:${SPOKE}:orders-topic` },
    { principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-spoke-uploads', sourceAccount: SPOKE },
    { principal: 'events.amazonaws.com', sourceArn: `arn:aws:events:us-east-1:${SPOKE}:rule/orders-nightly` },
    { principal: 'apigateway.amazonaws.com', sourceArn: `arn:aws:execute-api:us-east-1:${SPOKE}:a1b2c3/prod/GET/x` },
    { eventSourceArn: `arn:aws:dynamodb:us-east-1:${SPOKE}:table/orders/stream/2026-12-01T00:00:00.000` },
  ]) {
    const dryRun = await http(
      app,
      'requests',
      apiEvent('POST', '/v1/requests', {
        body: { ...baseAsk, functionName: SPOKE_FUNCTION, ...ask },
        headers: as(REQUESTER),
        query: { dryRun: 'true' },
      }),
    );
    expect(dryRun).toMatchObject({ status: 200, body: { warnings: [expect.stringContaining(`account ${SPOKE}`)] } });
  }
  // A spoke stream that a mapping made outside the broker already reads: refused, found by its (missing) owner tag.
  await spoke.kinesis.send(new CreateStreamCommand({ StreamName: 'order-stream', ShardCount: 1 }));
  const stream = `arn:aws:kinesis:us-east-1:${SPOKE}:stream/order-stream`;
  await spoke.lambda.send(
    new CreateEventSourceMappingCommand({
      // By name, as the broker creates its own (moto matches existing mappings on what was given).
      FunctionName: 'order-processor',
      EventSourceArn: stream,
      StartingPosition: 'LATEST',
    }),
  );
  expect(await ended({ functionName: SPOKE_FUNCTION, eventSourceArn: stream })).toBe('FAILED');
});

it("allowlist: an admin of a spoke, named by its role's path", async () => {
  const app = await coldStart('allowlist');
  const list = (caller: string) => http(app, 'allowlist', apiEvent('GET', '/v1/allowlist', { headers: as(caller) }));
  expect((await list(SPOKE_ADMIN)).status).toBe(200);
  expect((await list(SPOKE_REQUESTER)).status).toBe(403);
});

it("slack: a click on a spoke team's request, its requester still allowed", async () => {
  const r = await newRequest(setup, invokeAsk(), SPOKE_REQUESTER);
  const app = await coldStart('slack');
  const signed = signedClick({
    secret: SIGNING_SECRET,
    userId: 'U0123ABCD',
    actionId: 'approve',
    value: JSON.stringify({ id: r.id, hash: r.statementHash }),
    timestamp: Math.floor(clock.now().getTime() / 1000),
  });
  const click = await http(
    app,
    'slack',
    apiEvent('POST', '/v1/slack/interactions', { body: signed.body, headers: signed.headers }),
  );
  expect(click.status).toBe(200);
  expect((await setup.getRequest(who(ADMIN), r.id)).status).toBe('APPROVED');
  // Done with it, so later due-work counts stay as they were.
  expect((await setup.settle.settleWithin(r.id, 20_000)).request?.status).toBe('ACTIVE');
  await setup.revokeRequest(who(ADMIN), r.id, null);
  expect((await setup.settle.settleWithin(r.id, 20_000)).request?.status).toBe('REVOKED');
});

it('decisions: approves and revokes both kinds', async () => {
  const app = await coldStart('decisions');
  const decide = (id: string, action: string, who: string) =>
    http(
      app,
      'decisions',
      apiEvent('POST', `/v1/requests/{id}/${action}`, { pathParameters: { id }, body: {}, headers: as(who) }),
    );
  for (const ask of [invokeAsk(), mappingAsk()]) {
    const r = await pending(ask);
    expect((await decide(r.id, 'approve', APPROVER)).body.status).toBe('ACTIVE');
    expect((await decide(r.id, 'revoke', REQUESTER)).body.status).toBe('REVOKED');
  }
});

it('admin: an on-demand sweep and reconcile', async () => {
  await dueWork();
  await drift('admin');
  const app = await coldStart('admin');
  const sweep = await http(app, 'admin', apiEvent('POST', '/v1/admin/sweep', { headers: as(ADMIN) }));
  expect(sweep.body).toMatchObject({ activated: 2, retryLater: 0 });
  expect(sweep.body.expired).toBeGreaterThanOrEqual(2);
  const reconcile = await http(app, 'admin', apiEvent('POST', '/v1/admin/reconcile', { headers: as(ADMIN) }));
  expect(reconcile.body).toMatchObject({
    orphansRemoved: [{ functionArn: SPOKE_FUNCTION, statementId: 'lpb-orphan-admin' }],
    missing: [expect.objectContaining({ action: 'REAPPLIED' })],
    accountsUnreachable: [],
  });
});

it('sweep: applies and ends due grants', async () => {
  await dueWork();
  const report = await (await coldStart('sweep')).sweep();
  expect(report).toMatchObject({ activated: 2, retryLater: 0 });
  expect(report.expired).toBeGreaterThanOrEqual(2);
});

it('reconcile: the hourly drift reconcile', async () => {
  await drift('hourly');
  const report = await (await coldStart('reconcile')).reconcile({ resume: true });
  expect(report.orphansRemoved.map((o) => o.statementId)).toEqual(['lpb-orphan-hourly']);
  expect(report.missing.map((m) => m.action)).toEqual(['REAPPLIED']);
});

it('work: queued applies, and expiry timers', async () => {
  const { ending, starting } = await dueWork();
  const app = await coldStart('work');
  const message = (requestId: string, kind: 'now' | 'timer') => ({
    messageId: `${kind}-${requestId}`,
    body: JSON.stringify({ requestId, kind, at: clock.now().toISOString() }),
  });
  const failed = await processWorkMessages(app, [
    ...starting.map((r) => message(r.id, 'now')),
    ...ending.map((r) => message(r.id, 'timer')),
  ]);
  expect(failed).toEqual([]);
  for (const r of starting)
    expect(await app.getRequest(who(ADMIN), r.id)).toMatchObject({ status: 'ACTIVE', failure: null });
  for (const r of ending) expect((await app.getRequest(who(ADMIN), r.id)).status).toBe('EXPIRED');
});

it('notify: the Slack message shows the spoke policy as read at creation, and calls nothing in the spoke', async () => {
  const r = await pending(invokeAsk());
  const app = await coldStart('notify');
  const before = slack.posted().length;
  expect(
    await processNotifyMessages(app, [
      { messageId: 'n1', groupId: r.id, body: JSON.stringify({ type: 'announce', requestId: r.id }) },
    ]),
  ).toEqual([]);
  expect(slack.posted()).toHaveLength(before + 1);
  expect(JSON.stringify(slack.posted().at(-1))).toContain(`of 20480 bytes`);
  expect(inSpoke.get('notify')).toEqual(new Set());
});

describe('the spoke role (deploy/spoke-role.yml)', () => {
  interface Statement {
    Sid: string;
    Effect: 'Allow' | 'Deny';
    Action: string | string[];
    Resource: unknown;
    Principal?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
  }
  const template = load(readFileSync(path.join(__dirname, '../../deploy/spoke-role.yml'), 'utf8')) as {
    Resources: {
      SpokeRole: {
        Properties: {
          AssumeRolePolicyDocument: { Statement: Statement[] };
          Policies: { PolicyDocument: { Statement: Statement[] } }[];
        };
      };
    };
  };
  const role = template.Resources.SpokeRole.Properties;
  const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
  const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

  it('allows exactly the actions the broker calls in a spoke account', () => {
    const allowed = [...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf))].sort();
    const called = [...new Set([...inSpoke.values()].flatMap((calls) => [...calls]))].sort();
    expect(allowed).toEqual(called);
  });

  it('denies changing the spoke role itself, which its execution-role permissions could otherwise reach', () => {
    const deny = statements.filter((s) => s.Effect === 'Deny');
    expect(deny.flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy']),
    );
    expect(JSON.stringify(deny.map((s) => s.Resource))).toContain(':role/${RoleName}');
  });

  it('trusts only the broker’s own roles in the hub account, under the broker’s session name', () => {
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' } },
        Condition: {
          ArnLike: {
            'aws:PrincipalArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:role/${HubRoleNamePrefix}*' },
          },
          StringEquals: { 'sts:RoleSessionName': SPOKE_SESSION_NAME },
        },
      }),
    ]);
  });
});

it('lets exactly the functions that act in spoke accounts assume the spoke role', () => {
  expect(functionsWithSpokeAccess(deployed)).toEqual([...assumedBy].sort());
});

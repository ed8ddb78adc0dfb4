/**
 * Each Lambda function's role holds exactly the AWS actions its code path calls. Every call the SDK makes is recorded
 * (as the IAM action it needs) while one function's operations run through their real handlers against moto — rare
 * paths included, forced through the fault proxy — then compared with the role deploy/functions.js gives it.
 * The functions behind the answers run as Lambda would run them: the table's stream records and the queues'
 * messages are read here (as the event source mappings do, with their own permissions) and handed to their code.
 * Adding an action a function never uses, or dropping one it needs, fails this test.
 *
 * Order: the `it`s run top to bottom (jest runs a file's tests in order) and share one moto, one table, one stream
 * position and the queues they create: each "exercises …" records its function's calls, and the "each role" checks
 * at the end compare with what they recorded. A role check run on its own (say with -t) fails saying its function
 * was not exercised, instead of passing on an empty record.
 */
import { DeleteRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, DeleteEventSourceMappingCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetRecordsCommandOutput,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { ensureQueues, type BrokerQueues } from '../../adapters/sqs/ensure-queues';
import { processNotifyMessages, processWorkMessages } from '../../handlers/events/process-queues';
import { processAuditRecords } from '../../handlers/events/process-audit';
import { processStreamRecords } from '../../handlers/events/process-stream';
import { ensureEventBus } from '../../adapters/eventbridge/ensure-event-bus';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { buildApp, createAwsClients, type App } from '../../handlers/app';
import {
  FUNCTION_KINDS,
  loadConfig,
  loadDeployedConfig,
  type BrokerConfig,
  type DeployedFunction as FunctionName,
} from '../../handlers/config';
import { apiHandler } from '../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../handlers/http/all-operations';
import { withSecrets } from '../../handlers/lambda-app';
import {
  addGroupMember,
  approveNow,
  createFunction,
  createQueue,
  freshMoto,
  motoEndpoint,
  testClients,
} from '../support/aws';
import { FakeAccessAnalyzer } from '../support/fake-access-analyzer';
import { FakeSlack, signedClick, signedCommand, signedSubmission } from '../support/fake-slack';
import { DynamoRequestStore } from '../../adapters/dynamodb/request-store';
import { move } from '../../domain/state-machine';
import { FaultProxy, calls } from '../support/fault-proxy';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../support/fixtures';
import { FixedClock } from '../support/in-memory';
import { withoutSpokeAccess } from '../support/deployed-roles';
import { untilWorkDone } from '../support/follow-work';
import { iamActionOf, impliedActionOf } from '../support/iam-actions';

jest.setTimeout(30_000);
import { apiEvent, lambdaContext } from '../support/in-memory-app';

interface DeployedFunction {
  iamRoleStatements: { Sid?: string; Effect: 'Allow' | 'Deny'; Action: string[]; Resource: unknown[] }[];
  environment: Record<string, string>;
}
// Actions in the broker's own account: the spoke-account statements are proven by spoke-privilege.test.ts.
const deployed = withoutSpokeAccess(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../deploy/functions.js') as Record<string, DeployedFunction>,
);

const TABLE = 'lp-broker';
/**
 * Patterns that name a role path: every caller of the account then has its role read with iam:GetRole. The app keeps
 * no role path between calls (each deployed function reads in its own process), so each function's reads are seen.
 */
const PATH_ADMINS = 'arn:aws:iam::123456789012:role/platform/admins/*';
const PATH_REQUESTERS = 'arn:aws:iam::123456789012:role/teams/orders/*';
const SECRET = 'lp-signing-secret';
const AUTO_REQUESTER = 'arn:aws:iam::123456789012:role/auto-ci';
/** A Slack user linked to a requester of its own (its waiting requests count apart from the others'). */
const SLACK_REQUESTER = 'U0SLACKREQ';
const SLACK_REQUESTER_ROLE = 'arn:aws:iam::123456789012:role/orders-slack';
const TABLE_STREAMS = 'arn:aws:dynamodb:us-east-1:123456789012:table/order*/stream/*';
/** Event sources the entries allow: the orders queues and streams. */
const SOURCES = [...openEntry().eventSourceArns, 'arn:aws:kinesis:us-east-1:123456789012:stream/order-*'];
/** Needs no permission. */
const FREE = new Set(['sts:GetCallerIdentity']);

let phase: string | null = null;
const observed = new Map<string, Set<string>>();
let proxy: FaultProxy;
let slack: FakeSlack;
let analyzer: FakeAccessAnalyzer;
let app: App;
let clock: FixedClock;
let config: BrokerConfig;
let queues: string[];
let brokerQueues: BrokerQueues;
let streamIterator: string | undefined;

/** The item writes of a TransactWriteItems call, as the actions IAM checks for each. */
function transactionWrites(input: Record<string, unknown>): string[] {
  const items = (input.TransactItems ?? []) as Record<string, unknown>[];
  const action = { Put: 'PutItem', Delete: 'DeleteItem', Update: 'UpdateItem', ConditionCheck: 'ConditionCheckItem' };
  return items.flatMap((item) => Object.keys(item).map((k) => action[k as keyof typeof action] ?? k));
}

type Recordable = { middlewareStack: { add: (mw: unknown, options: unknown) => void } };
function record(client: Recordable): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { clientName: string; commandName: string }) =>
      async (args: unknown) => {
        if (phase) {
          const op = context.commandName.replace(/Command$/, '');
          const input = (args as { input: Record<string, unknown> }).input;
          // DynamoDB authorises each item write inside a transaction as that write.
          const ops = op === 'TransactWriteItems' ? transactionWrites(input) : [op];
          const actions = ops.map((o) => iamActionOf(context.clientName, o));
          for (const action of actions) {
            if (!FREE.has(action)) observed.get(phase)?.add(action);
          }
          const implied = impliedActionOf(iamActionOf(context.clientName, op), input);
          if (implied) observed.get(phase)?.add(implied);
        }
        return next(args);
      },
    { step: 'initialize', name: 'recordIamActions' },
  );
}

async function as<T>(fn: string, work: () => Promise<T>): Promise<T> {
  if (!observed.has(fn)) observed.set(fn, new Set());
  phase = fn;
  try {
    return await work();
  } finally {
    phase = null;
  }
}

/**
 * One HTTP call to a function, inside its phase. An answer that left work going on behind it (APPROVED, or a revoke
 * still removing) is followed until that work is done, still inside the phase: it is that function's work.
 */
async function http(fn: keyof typeof OPERATIONS_BY_FUNCTION, event: Parameters<ReturnType<typeof apiHandler>>[0]) {
  const handler = apiHandler(OPERATIONS_BY_FUNCTION[fn], () => Promise.resolve(app));
  return as(fn, async () => {
    const response = await handler(event, lambdaContext);
    const body = await untilWorkDone(app, response.body ? JSON.parse(response.body) : undefined);
    return { status: response.statusCode, body };
  });
}

const principal = (arn: string) => ({ 'X-Broker-Principal': arn });

/** Requests made outside any function's phase (set-up). */
async function request(ask: Record<string, unknown>, requester = REQUESTER) {
  return (
    await app.createRequest({
      caller: who(requester),
      ask: { ...baseAsk, ...ask },
      dryRun: false,
      idempotencyKey: null,
    })
  ).request;
}
const invokeAsk = () => PRINCIPAL_CASES[2].ask;
/** An approver who is a person, eligible through an identity-store group (docs/api.md, Approvers from the identity provider). */
const BOB = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Approvers_2222bbbb/bob';
const BOB_IN_SLACK = 'U0BOB0001';
const IDENTITY_STORE = 'd-1234567890';
const ORDERS = openEntry({
  slackChannel: 'C0123ABCD',
  requesters: [...openEntry().requesters, PATH_REQUESTERS],
  approvers: [APPROVER, 'slack:U0123ABCD'],
  approverGroups: ['payments-owners'],
  eventSourceArns: [...SOURCES, TABLE_STREAMS],
});
/** A queue under a customer-managed KMS key: the apply resolves the key (SQS, then KMS). */
const mappingAsk = () => ({ eventSourceArn: queues.shift() as string });
let streams = 0;
/** A Kinesis stream that a mapping made outside the broker already reads: the apply refuses it and takes back the role policy. */
async function foreignMappedAsk() {
  const name = `order-stream-${++streams}`;
  const clients = testClients();
  await clients.kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  const eventSourceArn = `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`;
  await clients.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: 'order-processor',
      EventSourceArn: eventSourceArn,
      StartingPosition: 'LATEST',
    }),
  );
  return { eventSourceArn };
}

/** The next AddPermission answers that Lambda stored our statement opened to everyone: the apply must remove it. */
function armBroaderReadBack(): void {
  proxy.add({
    match: calls.addPermission,
    times: 1,
    mode: 'rewrite',
    status: 201,
    body: null,
    rewrite: (body) => {
      const answer = JSON.parse(body) as { Statement: string };
      return JSON.stringify({ Statement: JSON.stringify({ ...JSON.parse(answer.Statement), Principal: '*' }) });
    },
  });
}

/** Leaves a request APPROVED but not applied, as a broker stopped right after the decision would. */
async function approvedButNotApplied(ask: Record<string, unknown>) {
  const r = await request(ask);
  const store = new DynamoRequestStore(testClients().doc, TABLE);
  await store.update(r, move(r, 'APPROVED', { at: clock.now(), actor: APPROVER }));
}

async function dueWork() {
  proxy.rules.length = 0;
  await approvedButNotApplied(invokeAsk());
  await approvedButNotApplied(invokeAsk());
  await approvedButNotApplied(mappingAsk());
  await approvedButNotApplied(await foreignMappedAsk());
  for (const ask of [invokeAsk(), mappingAsk()]) {
    const r = await request(ask);
    expect((await approveNow(app, r.id)).status).toBe('ACTIVE');
  }
  await request(invokeAsk());
  clock.advance(86_400);
  armBroaderReadBack();
}

beforeAll(async () => {
  const clients = await freshMoto(TABLE);
  await createFunction(clients, 'order-processor');
  const { KeyMetadata } = await clients.kms.send(new CreateKeyCommand({}));
  await clients.kms.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: KeyMetadata?.KeyId }));
  queues = [];
  for (let i = 0; i < 16; i++)
    queues.push(await createQueue(clients, `order-queue-${i}`, { KmsMasterKeyId: 'alias/orders' }));
  // Another inline policy on the execution role, so the budget check reads it.
  const role = (
    await clients.lambda.send(
      new (await import('@aws-sdk/client-lambda')).GetFunctionCommand({ FunctionName: 'order-processor' }),
    )
  ).Configuration?.Role as string;
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: role.split('/').pop(),
      PolicyName: 'team-policy',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
      }),
    }),
  );
  brokerQueues = await ensureQueues(clients.sqs, TABLE);
  await ensureEventBus(new EventBridgeClient({ region: 'us-east-1', endpoint: motoEndpoint() }), 'lp-broker-bus');
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  await ssm.send(new PutParameterCommand({ Name: '/lpb/slack-bot-token', Value: 'xoxb-lp', Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: '/lpb/slack-signing-secret', Value: SECRET, Type: 'SecureString' }));

  proxy = new FaultProxy(motoEndpoint());
  await proxy.start();
  slack = new FakeSlack('xoxb-lp');
  await slack.start();
  analyzer = new FakeAccessAnalyzer();
  await analyzer.start();
  // The SDK's endpoint for one service (the app points its clients at AWS_ENDPOINT_URL, but not Access Analyzer's).
  process.env.AWS_ENDPOINT_URL_ACCESSANALYZER = analyzer.url;
  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: proxy.url,
    BROKER_ACCESS_ANALYZER: 'on',
    BROKER_TABLE_NAME: TABLE,
    BROKER_ADMINS: `${ADMIN},${PATH_ADMINS}`,
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN_PARAMETER: '/lpb/slack-bot-token',
    SLACK_SIGNING_SECRET_PARAMETER: '/lpb/slack-signing-secret',
    BROKER_WORK_QUEUE_URL: brokerQueues.workQueueUrl,
    BROKER_NOTIFY_QUEUE_URL: brokerQueues.notifyQueueUrl,
    BROKER_IDENTITY_STORE_ID: IDENTITY_STORE,
    BROKER_SLACK_USERS: `${BOB_IN_SLACK}=person:bob,${SLACK_REQUESTER}=${SLACK_REQUESTER_ROLE}`,
    BROKER_EVENT_BUS: 'lp-broker-bus',
  };
  await addGroupMember(motoEndpoint(), IDENTITY_STORE, 'payments-owners', 'bob');
  // One app serves every function here; the callers it is handed name themselves in X-Broker-Principal.
  config = loadConfig({ ...env, BROKER_IDENTITY: 'header' });
  const awsClients = createAwsClients(config);
  for (const client of Object.values(awsClients)) record(client);
  const recordedSsm = new SSMClient({ region: 'us-east-1', endpoint: proxy.url });
  record(recordedSsm as unknown as Recordable);

  // Cold starts: the functions told where the Slack secrets are read them, each configured as its kind.
  let resolved = config;
  for (const [fn, spec] of Object.entries(deployed)) {
    if (!spec.environment.SLACK_BOT_TOKEN_PARAMETER) continue;
    const kind = FUNCTION_KINDS[fn as FunctionName];
    const { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET } = await as(fn, () =>
      withSecrets(loadDeployedConfig(kind, env), recordedSsm),
    );
    resolved = {
      ...resolved,
      ...(SLACK_BOT_TOKEN ? { SLACK_BOT_TOKEN } : {}),
      ...(SLACK_SIGNING_SECRET ? { SLACK_SIGNING_SECRET } : {}),
    };
  }
  expect([resolved.SLACK_BOT_TOKEN, resolved.SLACK_SIGNING_SECRET]).toEqual(['xoxb-lp', SECRET]);
  clock = new FixedClock(new Date());
  // Nothing kept: every function's first read of a role path or a group is its own.
  app = await buildApp(resolved, awsClients, {
    clock,
    sleep: () => Promise.resolve(),
    rolePathTtlMs: 0,
    groupTtlMs: 0,
  });
  await app.allowlist.put(who(ADMIN), 'orders', ORDERS);
  await app.allowlist.put(
    who(ADMIN),
    'auto',
    openEntry({
      requesters: [AUTO_REQUESTER],
      autoApprove: true,
      requiredApprovals: 0,
      approvers: [],
      eventSourceArns: SOURCES,
    }),
  );
  streamIterator = await streamStart();
}, 120_000);

/** The table's stream from its start, read past the proxy (what the stream's event source mapping does). */
async function streamStart(): Promise<string> {
  const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  const { Table } = await testClients().dynamo.send(new DescribeTableCommand({ TableName: TABLE }));
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table?.LatestStreamArn }));
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: Table?.LatestStreamArn,
      ShardId: StreamDescription?.Shards?.[0]?.ShardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  return ShardIterator as string;
}

/** Hands the stream's new records to the stream function's code. */
async function runStream(): Promise<void> {
  const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  for (;;) {
    const { Records = [], NextShardIterator } = await streams.send(
      new GetRecordsCommand({ ShardIterator: streamIterator, Limit: 1000 }),
    );
    streamIterator = NextShardIterator;
    if (Records.length === 0) return;
    const result = await as('stream', () => processStreamRecords(app, Records));
    expect(result.failedAt).toBeNull();
  }
}

/**
 * The stream's next records while the work queue refuses every message: the batch fails at the first record with work,
 * whose claim is given back; delivered again once the queue is back, the work is queued.
 */
async function runStreamPastRefusal(): Promise<void> {
  const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  const { Records = [], NextShardIterator } = await streams.send(
    new GetRecordsCommand({ ShardIterator: streamIterator, Limit: 1000 }),
  );
  streamIterator = NextShardIterator;
  const refusal = proxy.add({
    match: (c) => c.operation === 'AmazonSQS.SendMessage' && (c.body ?? '').includes(brokerQueues.workQueueUrl),
    times: 100,
    mode: 'error',
    status: 500,
    headers: { 'x-amzn-query-error': 'InternalError;Receiver' },
    body: { __type: 'com.amazonaws.sqs#InternalError', message: 'We encountered an internal error.' },
  });
  const failed = await as('stream', () => processStreamRecords(app, Records));
  expect(failed.failedAt).not.toBeNull();
  expect(refusal.hits).toBeGreaterThan(0);
  proxy.rules.splice(proxy.rules.indexOf(refusal), 1);
  const index = Records.findIndex((r) => r.dynamodb?.SequenceNumber === failed.failedAt);
  const again = await as('stream', () => processStreamRecords(app, Records.slice(index)));
  expect(again.failedAt).toBeNull();
}

/** Hands a queue's visible messages, one at a time, to its function's code (what the queue's mapping does). */
async function runQueue(fn: 'work' | 'notify'): Promise<number> {
  const sqs = testClients().sqs;
  const url = fn === 'work' ? brokerQueues.workQueueUrl : brokerQueues.notifyQueueUrl;
  let handled = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 1,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    const message = Messages[0];
    if (!message) return handled;
    const batch = [
      {
        messageId: message.MessageId as string,
        body: message.Body as string,
        ...(message.Attributes?.MessageGroupId ? { groupId: message.Attributes.MessageGroupId } : {}),
      },
    ];
    const failed = await as(fn, () =>
      fn === 'work' ? processWorkMessages(app, batch) : processNotifyMessages(app, batch),
    );
    expect(failed).toEqual([]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
    handled++;
  }
}

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_ACCESSANALYZER;
  await proxy?.stop();
  await slack?.stop();
  await analyzer?.stop();
});

it('health touches nothing', async () => {
  expect((await http('health', apiEvent('GET', '/v1/health'))).status).toBe(200);
});

it('exercises the allowlist function', async () => {
  const admin = principal(ADMIN);
  const put = apiEvent('PUT', '/v1/allowlist/{entryId}', {
    pathParameters: { entryId: 'tmp' },
    body: openEntry({ approverGroups: ['payments-owners'] }),
    headers: admin,
  });
  expect((await http('allowlist', put)).status).toBe(200);
  expect(
    (
      await http(
        'allowlist',
        apiEvent('GET', '/v1/allowlist/{entryId}', { pathParameters: { entryId: 'tmp' }, headers: admin }),
      )
    ).status,
  ).toBe(200);
  expect((await http('allowlist', apiEvent('GET', '/v1/allowlist', { headers: admin }))).status).toBe(200);
  const impact = (method: string, body?: unknown) =>
    http(
      'allowlist',
      apiEvent(method, '/v1/allowlist/{entryId}/impact', {
        pathParameters: { entryId: 'orders' },
        body,
        headers: admin,
      }),
    );
  expect((await impact('GET')).body).toEqual({ kept: [], rematched: [], ended: [] });
  expect((await impact('POST', openEntry())).status).toBe(200);
  expect(
    (
      await http(
        'allowlist',
        apiEvent('DELETE', '/v1/allowlist/{entryId}', { pathParameters: { entryId: 'tmp' }, headers: admin }),
      )
    ).status,
  ).toBe(204);
});

it('exercises the requests function, auto-approval included', async () => {
  const create = (ask: Record<string, unknown>, who = REQUESTER, key?: string) =>
    http(
      'requests',
      apiEvent('POST', '/v1/requests', {
        body: { ...baseAsk, ...ask },
        headers: { ...principal(who), ...(key ? { 'Idempotency-Key': key } : {}) },
      }),
    );
  const pending = await create(invokeAsk(), REQUESTER, 'k-1');
  expect(pending).toMatchObject({ status: 201, body: { status: 'PENDING' } });
  expect(
    (
      await http(
        'requests',
        apiEvent('GET', '/v1/requests/{id}', {
          pathParameters: { id: pending.body?.id },
          headers: principal(REQUESTER),
        }),
      )
    ).status,
  ).toBe(200);
  expect((await http('requests', apiEvent('GET', '/v1/requests', { headers: principal(REQUESTER) }))).status).toBe(200);
  // An approver by group sees the request (its groups read from the identity store).
  const byGroup = apiEvent('GET', '/v1/requests/{id}', {
    pathParameters: { id: pending.body?.id },
    headers: principal(BOB),
  });
  expect((await http('requests', byGroup)).status).toBe(200);
  expect((await http('requests', apiEvent('GET', '/v1/catalog', { headers: principal(REQUESTER) }))).status).toBe(200);
  // Source proof reads each kind of source where it lives (API Gateway: the REST API, then the HTTP API).
  const sourceAsks = [
    ...PRINCIPAL_CASES.slice(0, 4).map((c) => c.ask),
    { eventSourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-12-01T00:00:00.000' },
  ];
  for (const ask of sourceAsks) {
    const dryRun = await http(
      'requests',
      apiEvent('POST', '/v1/requests', {
        body: { ...baseAsk, ...ask },
        headers: principal(REQUESTER),
        query: { dryRun: 'true' },
      }),
    );
    expect(dryRun).toMatchObject({ status: 200, body: { warnings: [expect.stringContaining('not found')] } });
  }
  expect((await create(invokeAsk(), AUTO_REQUESTER)).body?.status).toBe('ACTIVE');
  armBroaderReadBack();
  expect((await create(invokeAsk(), AUTO_REQUESTER)).body?.status).toBe('FAILED');
  expect((await create(mappingAsk(), AUTO_REQUESTER)).body?.status).toBe('ACTIVE');
  expect((await create(await foreignMappedAsk(), AUTO_REQUESTER)).body?.status).toBe('FAILED');
});

it('exercises the decisions function', async () => {
  const decide = (id: string, action: string, who = APPROVER, body: unknown = {}) =>
    http(
      'decisions',
      apiEvent('POST', `/v1/requests/{id}/${action}`, { pathParameters: { id }, body, headers: principal(who) }),
    );
  const invoke = await request(invokeAsk());
  expect((await decide(invoke.id, 'approve')).body?.status).toBe('ACTIVE');
  armBroaderReadBack();
  expect((await decide((await request(invokeAsk())).id, 'approve')).body?.status).toBe('FAILED');
  const mapping = await request(mappingAsk());
  expect((await decide(mapping.id, 'approve')).body?.status).toBe('ACTIVE');
  expect((await decide((await request(await foreignMappedAsk())).id, 'approve')).body?.status).toBe('FAILED');
  expect((await decide((await request(invokeAsk())).id, 'reject')).body?.status).toBe('REJECTED');
  expect((await decide((await request(invokeAsk())).id, 'reject', BOB)).body?.status).toBe('REJECTED');
  expect((await decide((await request(invokeAsk())).id, 'cancel', REQUESTER)).body?.status).toBe('CANCELLED');
  const extension = await decide(invoke.id, 'extend', REQUESTER, { durationSeconds: 600, reason: 'release runs late' });
  expect(extension.body?.status).toBe('PENDING');
  expect((await decide(extension.body?.id as string, 'approve')).body?.status).toBe('EXTENDED');
  expect((await decide(invoke.id, 'revoke', REQUESTER)).body?.status).toBe('REVOKED');
  expect((await decide(mapping.id, 'revoke', REQUESTER)).body?.status).toBe('REVOKED');
});

/**
 * A linked requester in Slack: /lpb request opens the modal from its catalog, each kind of source is proved where it
 * lives and an event source's key is read as the submissions create requests, /lpb list reads its grants, a waiting
 * request is cancelled, and an active grant's Extend opens the extend modal.
 */
async function askFromSlack(): Promise<void> {
  const timestamp = Math.floor(clock.now().getTime() / 1000);
  const send = async (path: string, signed: { body: string; headers: Record<string, string> }) => {
    const res = await http('slack', apiEvent('POST', path, { body: signed.body, headers: signed.headers }));
    expect(res.status).toBe(200);
    return res.body as Record<string, any> | undefined;
  };
  const command = (text: string) =>
    send('/v1/slack/commands', signedCommand({ secret: SECRET, userId: SLACK_REQUESTER, text, timestamp }));
  await command('request');
  expect(slack.opened().at(-1)?.view.callback_id).toBe('lpb_request');
  // Sources of their own: the requests function's reads of the others are still cached.
  const own = (ask: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(ask).map(([k, v]) => [
        k,
        v.replace('orders-', 'orders-slack-').replace('a1b2c3d4e5', 's1a2c3k4e5'),
      ]),
    );
  const asks: Record<string, string | undefined>[] = [
    ...PRINCIPAL_CASES.slice(0, 4).map((c) => own(c.ask as Record<string, string>)),
    { eventSourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders-slack/stream/2026-12-01T00:00:00.000' },
    mappingAsk(),
    await foreignMappedAsk(),
  ];
  for (const [i, ask] of asks.entries()) {
    const values = Object.fromEntries(
      Object.entries({
        function: baseAsk.functionName,
        durationSeconds: '3600',
        reason: baseAsk.reason,
        ...ask,
      }).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const submission = signedSubmission({
      secret: SECRET,
      userId: SLACK_REQUESTER,
      callbackId: 'lpb_request',
      values,
      viewId: `VSLACKASK${i}`,
      timestamp,
    });
    expect(await send('/v1/slack/interactions', submission)).toBeUndefined();
  }
  const listed = await command('list');
  const cancel = JSON.stringify(listed?.blocks).match(
    /"action_id":"cancel","text":\{[^}]*\},"value":"([^"]+)"/,
  )?.[1] as string;
  const click = (actionId: string, value: string) =>
    send(
      '/v1/slack/interactions',
      signedClick({ secret: SECRET, userId: SLACK_REQUESTER, actionId, value, timestamp }),
    );
  expect((await click('cancel', cancel))?.text).toContain('CANCELLED');
  const grant = await request(invokeAsk(), SLACK_REQUESTER_ROLE);
  expect((await approveNow(app, grant.id)).status).toBe('ACTIVE');
  expect(await click('extend', grant.id)).toBeUndefined();
  expect(slack.opened().at(-1)?.view.callback_id).toBe('lpb_extend');
}

it('exercises the slack function, then the stream, work and notify functions behind it', async () => {
  await askFromSlack();
  // An allowlist change the work function re-checks live requests against (their requesters' roles read again).
  await app.allowlist.put(who(ADMIN), 'orders', ORDERS);
  await runStream();
  await runQueue('work');
  await runQueue('notify');
  const click = async (actionId: string, r: { id: string; statementHash: string }, userId = 'U0123ABCD') => {
    const signed = signedClick({
      secret: SECRET,
      userId,
      actionId,
      value: JSON.stringify({ id: r.id, hash: r.statementHash }),
      timestamp: Math.floor(clock.now().getTime() / 1000),
      responseUrl: `${slack.url}/hooks/respond`,
    });
    const res = await http(
      'slack',
      apiEvent('POST', '/v1/slack/interactions', { body: signed.body, headers: signed.headers }),
    );
    expect(res.status).toBe(200);
    return app.getRequest(who(ADMIN), r.id);
  };
  /** A click, then what follows it: the stream dispatches, the work queue applies (an arm first, if any). */
  const approvedBySlack = async (ask: Record<string, unknown>, arm?: () => void) => {
    const r = await request(ask);
    expect((await click('approve', r)).status).toBe('APPROVED');
    await runStream();
    arm?.();
    expect(await runQueue('work')).toBeGreaterThan(0);
    return app.getRequest(who(ADMIN), r.id);
  };
  const invoke = await approvedBySlack(invokeAsk());
  expect(invoke.status).toBe('ACTIVE');
  expect((await approvedBySlack(invokeAsk(), armBroaderReadBack)).status).toBe('FAILED');
  const mapping = await approvedBySlack(mappingAsk());
  expect(mapping.status).toBe('ACTIVE');
  expect((await approvedBySlack(await foreignMappedAsk())).status).toBe('FAILED');
  expect((await click('reject', await request(invokeAsk()))).status).toBe('REJECTED');
  // A Slack user linked to a person who approves through a group.
  expect((await click('reject', await request(invokeAsk()), BOB_IN_SLACK)).status).toBe('REJECTED');
  // An ineligible click is refused; its ephemeral answer goes through the notification queue.
  expect((await click('approve', await request(invokeAsk()), 'U7777777')).status).toBe('PENDING');

  // An expiry timer further out than SQS can delay arrives early and hops on (sent visible here: SQS would wait).
  await testClients().sqs.send(
    new SendMessageCommand({
      QueueUrl: brokerQueues.workQueueUrl,
      MessageBody: JSON.stringify({ requestId: invoke.id, kind: 'timer', at: invoke.expiresAt }),
    }),
  );
  expect(await runQueue('work')).toBe(1);
  // Revokes recorded elsewhere are finished by the work queue.
  await app.revokeRequest(who(REQUESTER), invoke.id, null);
  await app.revokeRequest(who(REQUESTER), mapping.id, null);
  await runStreamPastRefusal();
  await runQueue('work');
  expect((await app.getRequest(who(ADMIN), invoke.id)).status).toBe('REVOKED');
  expect((await app.getRequest(who(ADMIN), mapping.id)).status).toBe('REVOKED');

  expect(await runQueue('notify')).toBeGreaterThan(0);
  expect(slack.posted().length).toBeGreaterThan(0);
  expect(slack.updated().length).toBeGreaterThan(0);
  expect(slack.hooks.length).toBeGreaterThan(0);
}, 60_000);

it('exercises the admin function (an on-demand sweep)', async () => {
  await dueWork();
  const sweep = await http('admin', apiEvent('POST', '/v1/admin/sweep', { headers: principal(ADMIN) }));
  expect(sweep.body).toMatchObject({ activated: 2, failed: 2, timedOut: expect.any(Number) as unknown, retryLater: 0 });
  expect(sweep.body?.expired).toBeGreaterThanOrEqual(2);
});

it('exercises the scheduled sweep', async () => {
  await dueWork();
  const report = await as('sweep', () => app.sweep());
  expect(report).toMatchObject({ activated: 2, failed: 2, retryLater: 0 });
  expect(report.expired).toBeGreaterThanOrEqual(2);
});

/**
 * An ACTIVE grant whose statement vanished, a broker-prefixed statement nothing granted, and an ACTIVE event source
 * grant whose mapping and role policy were deleted.
 */
async function drift(tag: string) {
  const r = await request(invokeAsk());
  expect((await approveNow(app, r.id)).status).toBe('ACTIVE');
  const m = await request(mappingAsk());
  const mapping = await approveNow(app, m.id);
  expect(mapping.status).toBe('ACTIVE');
  const lambda = testClients().lambda;
  await lambda.send(new RemovePermissionCommand({ FunctionName: 'order-processor', StatementId: r.statementId }));
  await lambda.send(
    new AddPermissionCommand({
      FunctionName: 'order-processor',
      StatementId: `lpb-orphan-${tag}`,
      Action: 'lambda:InvokeFunction',
      Principal: '987654321098',
    }),
  );
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.eventSourceMappingUuid as string }));
  await testClients().iam.send(
    new DeleteRolePolicyCommand({
      RoleName: (mapping.executionRoleArn as string).split('/').pop(),
      PolicyName: mapping.statementId,
    }),
  );
  return { invoke: r.id, mapping: m.id };
}

it('exercises the drift reconcile, on demand (admin) and hourly', async () => {
  const a = await drift('a');
  const res = await http('admin', apiEvent('POST', '/v1/admin/reconcile', { headers: principal(ADMIN) }));
  expect(res.body?.orphansRemoved).toContainEqual({
    functionArn: expect.any(String) as unknown,
    qualifier: null,
    statementId: 'lpb-orphan-a',
  });
  const repaired = (report: { missing: { requestId: string; part: string; action: string }[] }, ids: typeof a) =>
    report.missing
      .filter((m) => m.requestId === ids.invoke || m.requestId === ids.mapping)
      .map((m) => `${m.part}:${m.action}`)
      .sort();
  const all = ['mapping:REAPPLIED', 'rolePolicy:REAPPLIED', 'statement:REAPPLIED'];
  expect(repaired(res.body as never, a)).toEqual(all);
  const b = await drift('b');
  const report = await as('reconcile', () => app.reconcile({ resume: true }));
  expect(report.orphansRemoved.map((o) => o.statementId)).toEqual(['lpb-orphan-b']);
  expect(repaired(report, b)).toEqual(all);
});

it('exercises the admin function: discover and adopt a team statement', async () => {
  await testClients().lambda.send(
    new AddPermissionCommand({
      FunctionName: 'order-processor',
      StatementId: 'team-topic',
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: 'arn:aws:sns:us-east-1:123456789012:orders-topic',
    }),
  );
  const found = await http('admin', apiEvent('GET', '/v1/admin/discover', { headers: principal(ADMIN) }));
  expect(found.body?.items).toContainEqual(expect.objectContaining({ statementId: 'team-topic', floorViolations: [] }));
  const adopted = await http(
    'admin',
    apiEvent('POST', '/v1/admin/adopt', {
      headers: principal(ADMIN),
      body: {
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-processor',
        statementId: 'team-topic',
        durationSeconds: 3600,
        reason: 'the orders topic, managed from now on',
      },
    }),
  );
  expect(adopted).toMatchObject({ status: 201, body: { status: 'ACTIVE' } });
});

it('exercises the audit function: every change so far published to the bus', async () => {
  // The audit function's own mapping reads the stream from its start.
  const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  let iterator: string | undefined = await streamStart();
  let published = 0;
  for (;;) {
    const page: GetRecordsCommandOutput = await streams.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
    );
    const Records = page.Records ?? [];
    iterator = page.NextShardIterator;
    if (Records.length === 0) break;
    const result = await as('audit', () => processAuditRecords(app, Records));
    expect(result.failedAt).toBeNull();
    published += result.dispatched;
  }
  expect(published).toBeGreaterThan(10);
});

describe('each role', () => {
  it.each(Object.keys(deployed))('%s: holds exactly the actions its code calls', (fn) => {
    expect({ fn, exercised: observed.has(fn) }).toEqual({ fn, exercised: true });
    // What Lambda does on the function's behalf (a stream's failure destination) is not the code's to call; Deny
    // statements (deploy/self-protection.js) grant nothing.
    const ownStatements = deployed[fn]!.iamRoleStatements.filter(
      (s) => s.Effect === 'Allow' && !s.Sid?.startsWith('LambdaPlatform'),
    );
    const granted = [...new Set(ownStatements.flatMap((s) => s.Action))].sort();
    const used = [...(observed.get(fn) ?? [])].sort();
    expect({ fn, actions: granted }).toEqual({ fn, actions: used });
  });

  it('gives Lambda-platform permissions (done on a function behalf) only to the stream readers, for their failure destinations', () => {
    const platform = Object.entries(deployed).flatMap(([fn, spec]) =>
      spec.iamRoleStatements.filter((s) => s.Sid?.startsWith('LambdaPlatform')).map((s) => ({ fn, actions: s.Action })),
    );
    expect(platform).toEqual([
      { fn: 'stream', actions: ['sqs:SendMessage'] },
      { fn: 'audit', actions: ['sqs:SendMessage'] },
    ]);
  });

  it('grants no wildcard action, and Resource "*" only where AWS offers nothing narrower', () => {
    const starAllowed = new Set([
      'lambda:CreateEventSourceMapping',
      'lambda:ListEventSourceMappings',
      'lambda:ListFunctions',
      // IAM Access Analyzer's policy checks act on a document, not a resource.
      'access-analyzer:ValidatePolicy',
      'access-analyzer:CheckNoPublicAccess',
    ]);
    for (const [fn, spec] of Object.entries(deployed)) {
      for (const s of spec.iamRoleStatements.filter((statement) => statement.Effect === 'Allow')) {
        for (const action of s.Action)
          expect({ fn, action, wildcard: action.includes('*') }).toEqual({ fn, action, wildcard: false });
        if (s.Resource.includes('*'))
          for (const action of s.Action)
            expect({ fn, action, allowed: starAllowed.has(action) }).toEqual({ fn, action, allowed: true });
      }
    }
  });
});

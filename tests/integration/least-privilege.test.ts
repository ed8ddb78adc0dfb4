/**
 * Each Lambda function's role holds exactly the AWS actions its code path calls. Every call the SDK makes is recorded
 * (as the IAM action it needs) while one function's operations run through their real handlers against moto — rare
 * paths included, forced through the fault proxy — then compared with the role deploy/functions.js gives it.
 * Adding an action a function never uses, or dropping one it needs, fails this test.
 */
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { buildApp, createAwsClients, type App } from '../../handlers/app';
import { loadConfig, type BrokerConfig } from '../../handlers/config';
import { apiHandler } from '../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../handlers/http/all-operations';
import { withSecrets } from '../../handlers/lambda-app';
import { createFunction, createQueue, freshMoto, motoEndpoint, testClients } from '../support/aws';
import { FakeSlack, signedClick } from '../support/fake-slack';
import { DynamoRequestStore } from '../../adapters/dynamodb/request-store';
import { move } from '../../domain/state-machine';
import { FaultProxy, calls } from '../support/fault-proxy';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry } from '../support/fixtures';
import { FixedClock } from '../support/in-memory';
import { apiEvent, lambdaContext } from '../support/in-memory-app';

interface DeployedFunction {
  iamRoleStatements: { Action: string[]; Resource: unknown[] }[];
  environment: Record<string, string>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const deployed = require('../../deploy/functions.js') as Record<string, DeployedFunction>;

const TABLE = 'lp-broker';
const SECRET = 'lp-signing-secret';
const AUTO_REQUESTER = 'arn:aws:iam::123456789012:role/auto-ci';
const PREFIX: Record<string, string> = {
  LambdaClient: 'lambda',
  DynamoDBClient: 'dynamodb',
  IAMClient: 'iam',
  STSClient: 'sts',
  SSMClient: 'ssm',
};
/** Needs no permission. */
const FREE = new Set(['sts:GetCallerIdentity']);

let phase: string | null = null;
const observed = new Map<string, Set<string>>();
let proxy: FaultProxy;
let slack: FakeSlack;
let app: App;
let clock: FixedClock;
let config: BrokerConfig;
let queues: string[];

type Recordable = { middlewareStack: { add: (mw: unknown, options: unknown) => void } };
function record(client: Recordable): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { clientName: string; commandName: string }) =>
      async (args: unknown) => {
        if (phase) {
          const op = context.commandName.replace(/Command$/, '');
          // DynamoDB authorises each item write inside a transaction as that write (ours are all puts).
          const action = `${PREFIX[context.clientName]}:${op === 'TransactWriteItems' ? 'PutItem' : op}`;
          if (!FREE.has(action)) observed.get(phase)?.add(action);
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

async function http(fn: keyof typeof OPERATIONS_BY_FUNCTION, event: Parameters<ReturnType<typeof apiHandler>>[0]) {
  const handler = apiHandler(OPERATIONS_BY_FUNCTION[fn], () => Promise.resolve(app));
  const response = await as(fn, () => handler(event, lambdaContext));
  return {
    status: response.statusCode,
    body: response.body ? (JSON.parse(response.body) as Record<string, any>) : undefined,
  };
}

const principal = (arn: string) => ({ 'X-Broker-Principal': arn });

/** Requests made outside any function's phase (set-up). */
async function request(ask: Record<string, unknown>, requester = REQUESTER) {
  return (
    await app.createRequest({
      caller: { principal: requester, session: null },
      ask: { ...baseAsk, ...ask },
      dryRun: false,
      idempotencyKey: null,
    })
  ).request;
}
const invokeAsk = () => PRINCIPAL_CASES[2].ask;
const mappingAsk = () => ({ eventSourceArn: queues.shift() as string });

/** The next read-back after an AddPermission finds our statement opened to everyone: the apply must remove it. */
function armBroaderReadBack(): void {
  const mark = proxy.seen.length;
  proxy.add({
    match: (c) => calls.getPolicy(c) && proxy.seen.slice(mark).some(calls.addPermission),
    times: 1,
    mode: 'rewrite',
    status: 200,
    body: null,
    rewrite: (body) => {
      const answer = JSON.parse(body) as { Policy: string };
      const policy = JSON.parse(answer.Policy) as { Statement: Record<string, unknown>[] };
      for (const s of policy.Statement) if (String(s.Sid).startsWith('lpb-')) s.Principal = '*';
      return JSON.stringify({ ...answer, Policy: JSON.stringify(policy) });
    },
  });
}

/** The next CreateEventSourceMapping is refused for good: the role policy must be taken back. */
function armMappingRefused(): void {
  proxy.add({
    match: calls.createMapping,
    times: 1,
    mode: 'error',
    status: 404,
    headers: { 'x-amzn-errortype': 'ResourceNotFoundException' },
    body: { Type: 'User', message: 'queue gone' },
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
  await approvedButNotApplied(mappingAsk());
  for (const ask of [invokeAsk(), mappingAsk()]) {
    const r = await request(ask);
    expect((await app.decide.approve({ approver: APPROVER, id: r.id, comment: null })).status).toBe('ACTIVE');
  }
  await request(invokeAsk());
  clock.advance(86_400);
  armBroaderReadBack();
  armMappingRefused();
}

beforeAll(async () => {
  const clients = await freshMoto(TABLE);
  await createFunction(clients, 'order-processor');
  queues = [];
  for (let i = 0; i < 16; i++) queues.push(await createQueue(clients, `order-queue-${i}`));
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
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  await ssm.send(new PutParameterCommand({ Name: '/lpb/slack-bot-token', Value: 'xoxb-lp', Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: '/lpb/slack-signing-secret', Value: SECRET, Type: 'SecureString' }));

  proxy = new FaultProxy(motoEndpoint());
  await proxy.start();
  slack = new FakeSlack('xoxb-lp');
  await slack.start();
  config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: proxy.url,
    BROKER_TABLE_NAME: TABLE,
    BROKER_ADMINS: ADMIN,
    BROKER_IDENTITY: 'header',
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN_PARAMETER: '/lpb/slack-bot-token',
    SLACK_SIGNING_SECRET_PARAMETER: '/lpb/slack-signing-secret',
  });
  const awsClients = createAwsClients(config);
  for (const client of Object.values(awsClients)) record(client);
  const recordedSsm = new SSMClient({ region: 'us-east-1', endpoint: proxy.url });
  record(recordedSsm as unknown as Recordable);

  // Cold starts: the functions told where the Slack secrets are read them.
  let resolved = config;
  for (const [fn, spec] of Object.entries(deployed)) {
    if (spec.environment.SLACK_BOT_TOKEN_PARAMETER) resolved = await as(fn, () => withSecrets(config, recordedSsm));
  }
  expect(resolved.SLACK_BOT_TOKEN).toBe('xoxb-lp');
  clock = new FixedClock(new Date());
  app = await buildApp(resolved, awsClients, { clock, sleep: () => Promise.resolve() });
  await app.allowlist.put(
    ADMIN,
    'orders',
    openEntry({ slackChannel: 'C0123ABCD', approvers: [APPROVER, 'slack:U0123ABCD'] }),
  );
  await app.allowlist.put(
    ADMIN,
    'auto',
    openEntry({ requesters: [AUTO_REQUESTER], autoApprove: true, requiredApprovals: 0, approvers: [] }),
  );
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await slack?.stop();
});

it('health touches nothing', async () => {
  expect((await http('health', apiEvent('GET', '/v1/health'))).status).toBe(200);
});

it('exercises the allowlist function', async () => {
  const admin = principal(ADMIN);
  const put = apiEvent('PUT', '/v1/allowlist/{entryId}', {
    pathParameters: { entryId: 'tmp' },
    body: openEntry(),
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
  expect((await create(invokeAsk(), AUTO_REQUESTER)).body?.status).toBe('ACTIVE');
  armBroaderReadBack();
  expect((await create(invokeAsk(), AUTO_REQUESTER)).body?.status).toBe('FAILED');
  expect((await create(mappingAsk(), AUTO_REQUESTER)).body?.status).toBe('ACTIVE');
  armMappingRefused();
  expect((await create(mappingAsk(), AUTO_REQUESTER)).body?.status).toBe('FAILED');
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
  armMappingRefused();
  expect((await decide((await request(mappingAsk())).id, 'approve')).body?.status).toBe('FAILED');
  expect((await decide((await request(invokeAsk())).id, 'reject')).body?.status).toBe('REJECTED');
  expect((await decide((await request(invokeAsk())).id, 'cancel', REQUESTER)).body?.status).toBe('CANCELLED');
  expect((await decide(invoke.id, 'revoke', REQUESTER)).body?.status).toBe('REVOKED');
  expect((await decide(mapping.id, 'revoke', REQUESTER)).body?.status).toBe('REVOKED');
});

it('exercises the slack function', async () => {
  const click = async (actionId: string, r: { id: string; statementHash: string }) => {
    const signed = signedClick({
      secret: SECRET,
      userId: 'U0123ABCD',
      actionId,
      value: JSON.stringify({ id: r.id, hash: r.statementHash }),
      timestamp: Math.floor(clock.now().getTime() / 1000),
    });
    const res = await http(
      'slack',
      apiEvent('POST', '/v1/slack/interactions', { body: signed.body, headers: signed.headers }),
    );
    expect(res.status).toBe(200);
    return app.getRequest(ADMIN, r.id);
  };
  expect((await click('approve', await request(invokeAsk()))).status).toBe('ACTIVE');
  armBroaderReadBack();
  expect((await click('approve', await request(invokeAsk()))).status).toBe('FAILED');
  expect((await click('approve', await request(mappingAsk()))).status).toBe('ACTIVE');
  armMappingRefused();
  expect((await click('approve', await request(mappingAsk()))).status).toBe('FAILED');
  expect((await click('reject', await request(invokeAsk()))).status).toBe('REJECTED');
});

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

/** An ACTIVE grant whose statement vanished, and a broker-prefixed statement nothing granted. */
async function drift(tag: string) {
  const r = await request(invokeAsk());
  expect((await app.decide.approve({ approver: APPROVER, id: r.id, comment: null })).status).toBe('ACTIVE');
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
}

it('exercises the drift reconcile, on demand (admin) and hourly', async () => {
  await drift('a');
  const res = await http('admin', apiEvent('POST', '/v1/admin/reconcile', { headers: principal(ADMIN) }));
  expect(res.body?.orphansRemoved).toContainEqual({
    functionArn: expect.any(String) as unknown,
    statementId: 'lpb-orphan-a',
  });
  expect(res.body?.missing).toEqual([expect.objectContaining({ action: 'REAPPLIED' })]);
  await drift('b');
  const report = await as('reconcile', () => app.reconcile());
  expect(report.orphansRemoved.map((o) => o.statementId)).toEqual(['lpb-orphan-b']);
  expect(report.missing.map((m) => m.action)).toEqual(['REAPPLIED']);
});

describe('each role', () => {
  it.each(Object.keys(deployed))('%s: holds exactly the actions its code calls', (fn) => {
    const granted = [...new Set(deployed[fn]!.iamRoleStatements.flatMap((s) => s.Action))].sort();
    const used = [...(observed.get(fn) ?? [])].sort();
    expect({ fn, actions: granted }).toEqual({ fn, actions: used });
  });

  it('grants no wildcard action, and Resource "*" only where AWS offers nothing narrower', () => {
    const starAllowed = new Set([
      'lambda:CreateEventSourceMapping',
      'lambda:ListEventSourceMappings',
      'lambda:ListFunctions',
    ]);
    for (const [fn, spec] of Object.entries(deployed)) {
      for (const s of spec.iamRoleStatements) {
        for (const action of s.Action)
          expect({ fn, action, wildcard: action.includes('*') }).toEqual({ fn, action, wildcard: false });
        if (s.Resource.includes('*'))
          for (const action of s.Action)
            expect({ fn, action, allowed: starAllowed.has(action) }).toEqual({ fn, action, allowed: true });
      }
    }
  });
});

/**
 * Event source grants on moto's real Lambda, SQS, Kinesis and KMS APIs (over sockets), and AWS-shaped answers where
 * moto does not behave like AWS (it validates no role permissions and never answers 409): mapping ownership by tag
 * (issue #15, finding 9), KMS keys in the statement, permanent refusals told apart from IAM propagation, and a
 * function busy with an update.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateStreamCommand, StartStreamEncryptionCommand } from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  GetFunctionCommand,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { ValidationError } from '../../domain/errors';
import type { GrantRequest } from '../../domain/model/request';
import type { App } from '../../handlers/app';
import { approveNow, createFunction, createQueue, motoApp, motoEndpoint, settleNow, testClients } from '../support/aws';
import { calls, faultProxyForSuite } from '../support/fault-proxy';
import { ACCOUNT, ADMIN, APPROVER, REQUESTER, baseAsk, openEntry, who } from '../support/fixtures';
import { FixedClock } from '../support/in-memory';

jest.setTimeout(30_000);

const TABLE = 'event-sources-broker';
const STREAMS = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/order-*`;
const proxy = faultProxyForSuite(motoEndpoint());
let app: App;
let clock: FixedClock;
let clients: ReturnType<typeof testClients>;

beforeEach(async () => {
  proxy.clear();
  clock = new FixedClock(new Date());
  ({ app, clients } = await motoApp(
    TABLE,
    { AWS_ENDPOINT_URL: proxy.url, BROKER_LAMBDA_RPS: '15' },
    { clock, sleep: () => Promise.resolve() },
  ));
  await createFunction(clients, 'order-processor');
  await app.allowlist.put(
    who(ADMIN),
    'orders',
    openEntry({ eventSourceArns: [...openEntry().eventSourceArns, STREAMS] }),
  );
});

const create = async (eventSourceArn: string) =>
  (
    await app.createRequest({
      caller: who(REQUESTER),
      ask: { ...baseAsk, eventSourceArn },
      dryRun: false,
      idempotencyKey: null,
    })
  ).request;

async function mappingsOf(queueArn: string) {
  const { EventSourceMappings = [] } = await clients.lambda.send(
    new ListEventSourceMappingsCommand({ FunctionName: 'order-processor', EventSourceArn: queueArn }),
  );
  return EventSourceMappings;
}

async function rolePolicy(request: GrantRequest): Promise<unknown> {
  const { Configuration } = await clients.lambda.send(new GetFunctionCommand({ FunctionName: 'order-processor' }));
  const { PolicyDocument } = await clients.iam.send(
    new GetRolePolicyCommand({ RoleName: Configuration?.Role?.split('/').pop(), PolicyName: request.statementId }),
  );
  return JSON.parse(decodeURIComponent(PolicyDocument ?? '{}'));
}

async function customerKey(alias: string): Promise<string> {
  const { KeyMetadata } = await clients.kms.send(new CreateKeyCommand({}));
  await clients.kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata?.KeyId }));
  return KeyMetadata?.Arn as string;
}

describe('finding 9 — mapping takeover (moto)', () => {
  it('does not adopt a mapping made outside the broker in the same second as the approval, nor ever delete it', async () => {
    const queue = await createQueue(clients, 'order-queue');
    const request = await create(queue);
    await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
    const { UUID } = await clients.lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'order-processor', EventSourceArn: queue }),
    );
    expect(await settleNow(app, request.id)).toMatchObject({ status: 'FAILED', eventSourceMappingUuid: null });
    clock.advance(7200);
    await app.sweep();
    expect((await mappingsOf(queue)).map((m) => m.UUID)).toEqual([UUID]);
  });

  it('tags its mapping with the grant, and keeps a second grant for the same queue off it', async () => {
    const queue = await createQueue(clients, 'order-queue');
    const first = await create(queue);
    const second = await create(queue);
    const active = await approveNow(app, first.id);
    expect(active.status).toBe('ACTIVE');
    const [mapping] = await mappingsOf(queue);
    expect(mapping?.UUID).toBe(active.eventSourceMappingUuid);
    const { Tags } = await clients.lambda.send(new ListTagsCommand({ Resource: mapping?.EventSourceMappingArn }));
    expect(Tags).toEqual({ 'lpb:request': first.id });
    expect(await approveNow(app, second.id)).toMatchObject({
      status: 'FAILED',
      failure: { reason: expect.stringContaining(`belongs to grant ${first.id}`) as unknown },
    });
    await app.revokeRequest(who(REQUESTER), first.id, null);
    expect((await settleNow(app, first.id)).status).toBe('REVOKED');
    expect(await mappingsOf(queue)).toEqual([]);
  });
});

describe('KMS keys of event sources (moto)', () => {
  it("resolves a queue's key alias to the key ARN, shows kms:Decrypt on it, and gives the role exactly that", async () => {
    const key = await customerKey('alias/orders');
    await clients.sqs.send(
      new CreateQueueCommand({ QueueName: 'order-secret', Attributes: { KmsMasterKeyId: 'alias/orders' } }),
    );
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:order-secret`;
    const request = await create(queue);
    expect(request.statement).toMatchObject({
      Resource: [queue, key],
      Action: expect.arrayContaining(['kms:Decrypt']),
    });
    expect((await approveNow(app, request.id)).status).toBe('ACTIVE');
    expect(await rolePolicy(request)).toEqual({ Version: '2012-10-17', Statement: [request.statement] });
  });

  it('asks for no key permission for the AWS-managed alias/aws/sqs or a queue without SSE-KMS', async () => {
    await clients.sqs.send(
      new CreateQueueCommand({ QueueName: 'order-managed', Attributes: { KmsMasterKeyId: 'alias/aws/sqs' } }),
    );
    const managed = await create(`arn:aws:sqs:us-east-1:${ACCOUNT}:order-managed`);
    const plain = await create(await createQueue(clients, 'order-plain'));
    expect([managed.statement.Resource, plain.statement.Resource]).toEqual([
      `arn:aws:sqs:us-east-1:${ACCOUNT}:order-managed`,
      `arn:aws:sqs:us-east-1:${ACCOUNT}:order-plain`,
    ]);
  });

  it("resolves a Kinesis stream's key", async () => {
    const key = await customerKey('alias/order-stream');
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'order-events', ShardCount: 1 }));
    await clients.kinesis.send(
      new StartStreamEncryptionCommand({
        StreamName: 'order-events',
        EncryptionType: 'KMS',
        KeyId: 'alias/order-stream',
      }),
    );
    const stream = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/order-events`;
    expect((await create(stream)).statement.Resource).toEqual([stream, key]);
  });

  it('refuses with a 400 naming eventSourceArn a queue whose key alias is gone, or a queue that does not exist', async () => {
    await clients.sqs.send(
      new CreateQueueCommand({ QueueName: 'order-lost-key', Attributes: { KmsMasterKeyId: 'alias/deleted' } }),
    );
    for (const [queue, message] of [
      [
        `arn:aws:sqs:us-east-1:${ACCOUNT}:order-lost-key`,
        /KMS key arn:aws:kms:us-east-1:123456789012:alias\/deleted .* does not exist/,
      ],
      [`arn:aws:sqs:us-east-1:${ACCOUNT}:order-nowhere`, /event source .*order-nowhere does not exist/],
    ] as const) {
      const refusal = await create(queue).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(ValidationError);
      expect((refusal as ValidationError).details[0]).toEqual({
        path: 'eventSourceArn',
        message: expect.stringMatching(message),
      });
    }
  });
});

describe('Lambda refusing a mapping (AWS-shaped answers)', () => {
  const refuseMapping = (message: string) =>
    proxy.add({
      match: calls.createMapping,
      times: 1,
      mode: 'error',
      status: 400,
      headers: { 'x-amzn-errortype': 'InvalidParameterValueException' },
      body: { Type: 'User', message },
    });

  it("fails at once with AWS's own reason when the refusal is permanent, taking the role policy back", async () => {
    const queue = await createQueue(clients, 'order-queue');
    const request = await create(queue);
    refuseMapping('Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds');
    expect(await approveNow(app, request.id)).toMatchObject({
      status: 'FAILED',
      failure: {
        reason:
          'Lambda refused the event source mapping: Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds',
      },
    });
    await expect(rolePolicy(request)).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('waits, as for IAM propagation, while the role cannot read the source yet', async () => {
    const queue = await createQueue(clients, 'order-queue');
    const request = await create(queue);
    refuseMapping('The provided execution role does not have permissions to call ReceiveMessage on SQS');
    expect((await approveNow(app, request.id)).status).toBe('APPROVED');
    clock.advance(5);
    expect((await settleNow(app, request.id)).status).toBe('ACTIVE');
  });
});

describe('a function busy with an update (AWS-shaped 409)', () => {
  it('waits it out: one AddPermission, the request stays APPROVED, and is ACTIVE once the update is done', async () => {
    const request = (
      await app.createRequest({
        caller: who(REQUESTER),
        ask: { ...baseAsk, principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:us-east-1:${ACCOUNT}:orders-topic` },
        dryRun: false,
        idempotencyKey: null,
      })
    ).request;
    proxy.add({
      match: calls.addPermission,
      times: 1,
      mode: 'error',
      status: 409,
      headers: { 'x-amzn-errortype': 'ResourceConflictException' },
      body: {
        Type: 'User',
        message: `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:${ACCOUNT}:function:order-processor`,
      },
    });
    const decided = await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
    const outcome = await app.settle.settle(decided.id, { deadline: new Date(clock.now().getTime() + 20_000) });
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringContaining('in progress') as unknown });
    expect(proxy.seen.filter(calls.addPermission)).toHaveLength(1);
    clock.advance(3);
    expect((await settleNow(app, request.id)).status).toBe('ACTIVE');
  });
});

describe('the control-plane budget', () => {
  it('counts ListFunctions (the reconcile listing functions) like every other Lambda control-plane call', async () => {
    await app.reconcile();
    const { Items = [] } = await clients.doc.send(new ScanCommand({ TableName: TABLE }));
    const counted = Items.filter((i) => String(i.PK).startsWith(`BUDGET#${ACCOUNT}#us-east-1#control#`));
    // Each second's item holds the callers counted there, besides its placeholder member.
    const callers = counted.reduce((sum, i) => sum + (i.callers as Set<string>).size - 1, 0);
    expect(callers).toBeGreaterThanOrEqual(1);
    expect(proxy.seen.some((c) => c.path.startsWith('/2015-03-31/functions/') && c.method === 'GET')).toBe(true);
  });
});

/**
 * The source directory on moto's real SNS, SQS, S3, EventBridge, Kinesis, DynamoDB Streams and API Gateway (REST and
 * HTTP) APIs over sockets, through the fault proxy: it counts the calls (the cache), and answers as AWS does where moto
 * never does (S3's 403 for a bucket of another owner, AccessDenied, throttling, a 500).
 */
import { CreateRestApiCommand, APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CreateApiCommand, ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  AwsSourceDirectory,
  SOURCE_LOOKUP_TTL_MS,
  type SourceClients,
} from '../../adapters/sources/aws-source-directory';
import { AccountUnreachableError, UnavailableError } from '../../domain/errors';
import { freshMoto, motoEndpoint, testClients } from '../support/aws';
import { faultProxyForSuite, type CallInfo, type FaultRule } from '../support/fault-proxy';
import { ACCOUNT } from '../support/fixtures';

const OTHER = '222222222222';
const PATTERN = 'a pattern names no single source';
const proxy = faultProxyForSuite(motoEndpoint());
const at = (service: string, resource: string, account = ACCOUNT) =>
  `arn:aws:${service}:us-east-1:${account}:${resource}`;

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

/** One attempt per call, so that the proxy's count of calls is the directory's. */
function sourceClients(endpoint: string, credentials?: Credentials): SourceClients {
  const common = { region: 'us-east-1', endpoint, maxAttempts: 1, ...(credentials ? { credentials } : {}) };
  return {
    sns: new SNSClient(common),
    sqs: new SQSClient(common),
    // Path-style: moto on 127.0.0.1 has no bucket host names.
    s3: new S3Client({ ...common, forcePathStyle: true }),
    eventBridge: new EventBridgeClient(common),
    // HTTP/1.1: the Kinesis client speaks HTTP/2 by default, which moto does not.
    kinesis: new KinesisClient({ ...common, requestHandler: new NodeHttpHandler() }),
    dynamoDbStreams: new DynamoDBStreamsClient(common),
    apiGateway: new APIGatewayClient(common),
    apiGatewayV2: new ApiGatewayV2Client(common),
  };
}

/** Credentials that act in `account` (moto's AssumeRole into any role of it). */
async function credentialsIn(account: string): Promise<Credentials> {
  const { Credentials: c } = await testClients().sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/test-setup`, RoleSessionName: 'test-setup' }),
  );
  return {
    accessKeyId: c?.AccessKeyId as string,
    secretAccessKey: c?.SecretAccessKey as string,
    sessionToken: c?.SessionToken as string,
  };
}

/** Every kind of source, made straight in moto (not through the proxy): the ids moto chose. */
async function createSources(): Promise<{ streamArn: string; restApi: string; httpApi: string }> {
  const { dynamo } = await freshMoto();
  const moto = sourceClients(motoEndpoint());
  const [, , , , , table, rest, http] = await Promise.all([
    moto.sns.send(new CreateTopicCommand({ Name: 'orders-topic' })),
    moto.sqs.send(new CreateQueueCommand({ QueueName: 'orders-queue' })),
    moto.s3.send(new CreateBucketCommand({ Bucket: 'orders-bucket' })),
    moto.eventBridge.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'rate(1 day)' })),
    moto.eventBridge.send(new CreateEventBusCommand({ Name: 'orders-bus' })).then(() =>
      moto.eventBridge.send(
        new PutRuleCommand({
          Name: 'order-placed',
          EventBusName: 'orders-bus',
          EventPattern: '{"source":["orders"]}',
        }),
      ),
    ),
    dynamo.send(
      new CreateTableCommand({
        TableName: 'orders',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    ),
    moto.apiGateway.send(new CreateRestApiCommand({ name: 'orders-rest' })),
    moto.apiGatewayV2.send(new CreateApiCommand({ Name: 'orders-http', ProtocolType: 'HTTP' })),
    moto.kinesis.send(new CreateStreamCommand({ StreamName: 'orders-stream', ShardCount: 1 })),
  ]);
  return {
    streamArn: table.TableDescription?.LatestStreamArn as string,
    restApi: rest.id as string,
    httpApi: http.ApiId as string,
  };
}

let made: Awaited<ReturnType<typeof createSources>>;
let viaProxy: SourceClients;
let clock: { t: number; now(): number };
let directory: AwsSourceDirectory;

beforeAll(async () => {
  made = await createSources();
  viaProxy = sourceClients(proxy.url);
});

beforeEach(() => {
  proxy.clear();
  clock = { t: 0, now: () => clock.t };
  directory = new AwsSourceDirectory(() => viaProxy, clock);
});

const lookup = (arn: string, account = ACCOUNT) => directory.lookup({ arn, account });
const fault = (match: (c: CallInfo) => boolean, answer: Pick<FaultRule, 'status' | 'headers' | 'body'>) =>
  proxy.add({ match, times: 1, mode: 'error', ...answer });
const headBucket = (c: CallInfo) => c.method === 'HEAD' && /^\/orders-bucket\/?$/.test(c.path);
const jsonOperation = (target: string) => (c: CallInfo) => c.operation === target;

it.each([
  ['an SNS topic', () => at('sns', 'orders-topic')],
  ['an SQS queue', () => at('sqs', 'orders-queue')],
  ['an S3 bucket', () => 'arn:aws:s3:::orders-bucket'],
  ['objects of an S3 bucket', () => 'arn:aws:s3:::orders-bucket/uploads/*'],
  ['an EventBridge rule', () => at('events', 'rule/nightly')],
  ['a rule on another event bus', () => at('events', 'rule/orders-bus/order-placed')],
  ['a Kinesis stream', () => at('kinesis', 'stream/orders-stream')],
  ['a consumer of a Kinesis stream', () => at('kinesis', 'stream/orders-stream/consumer/reader:1700000000')],
  ['a DynamoDB stream', () => made.streamArn],
  ['a REST API, any stage, method and path', () => at('execute-api', `${made.restApi}/*/POST/orders/*`)],
  ['an HTTP API', () => at('execute-api', `${made.httpApi}/prod/GET/items`)],
])('finds %s', async (_, arn) => {
  await expect(lookup(arn())).resolves.toEqual({ state: 'exists' });
});

it.each([
  ['SNS topic gone-topic', at('sns', 'gone-topic')],
  ['SQS queue gone-queue', at('sqs', 'gone-queue')],
  ['S3 bucket gone-bucket', 'arn:aws:s3:::gone-bucket/*'],
  ['EventBridge rule gone-rule', at('events', 'rule/gone-rule')],
  ['EventBridge rule order-placed on event bus gone-bus', at('events', 'rule/gone-bus/order-placed')],
  ['Kinesis stream gone-stream', at('kinesis', 'stream/gone-stream')],
  [
    'DynamoDB stream 2024-01-01T00:00:00.000 of table gone',
    at('dynamodb', 'table/gone/stream/2024-01-01T00:00:00.000'),
  ],
  ['API Gateway API abcdefghij', at('execute-api', 'abcdefghij/prod/GET/items')],
])('reports a missing %s', async (noun, arn) => {
  await expect(lookup(arn)).resolves.toEqual({ state: 'missing', reason: `no ${noun} in account ${ACCOUNT}` });
});

describe('where moto answers about another source than the one asked for', () => {
  it('a DynamoDB stream label the table no longer has is missing (moto answers with its current stream)', async () => {
    const old = made.streamArn.replace(/stream\/.*$/, 'stream/2020-01-01T00:00:00.000');
    await expect(lookup(old)).resolves.toEqual({
      state: 'missing',
      reason: `no DynamoDB stream 2020-01-01T00:00:00.000 of table orders in account ${ACCOUNT}`,
    });
  });

  it("a queue of another account is not ours of the same name (moto ignores GetQueueUrl's owner)", async () => {
    await expect(lookup(at('sqs', 'orders-queue', OTHER), OTHER)).resolves.toEqual({
      state: 'missing',
      reason: `no SQS queue orders-queue in account ${OTHER}`,
    });
  });
});

it("reads a source in its owner's account, with that account's clients", async () => {
  const other = sourceClients(motoEndpoint(), await credentialsIn(OTHER));
  await other.sns.send(new CreateTopicCommand({ Name: 'their-topic' }));
  directory = new AwsSourceDirectory((account) => (account === OTHER ? other : viaProxy), clock);
  await expect(lookup(at('sns', 'their-topic', OTHER), OTHER)).resolves.toEqual({ state: 'exists' });
  await expect(lookup(at('sns', 'their-topic'))).resolves.toMatchObject({ state: 'missing' });
});

it.each([
  at('sns', 'orders-*'),
  at('sqs', 'orders-queu?'),
  'arn:aws:s3:::orders-*/uploads/x',
  at('events', 'rule/orders-bus/*'),
  at('events', 'rule/*/order-placed'),
  at('kinesis', 'stream/orders-*/consumer/reader:1'),
  at('dynamodb', 'table/orders/stream/*'),
  at('execute-api', '*/prod/GET/items'),
  'arn:aws:sns:*:123456789012:orders-topic',
  'arn:aws:sns:us-east-1:*:orders-topic',
])('a pattern is unreadable without a call: %s', async (arn) => {
  await expect(lookup(arn)).resolves.toEqual({ state: 'unreadable', reason: PATTERN });
  expect(proxy.seen).toEqual([]);
});

it.each([
  ['lambda', 'arn:aws:lambda:us-east-1:123456789012:function:orders'],
  ['dynamodb', at('dynamodb', 'table/orders')],
  ['s3', 'arn:aws:s3:us-east-1:123456789012:accesspoint/orders'],
  ['sns', at('sns', 'orders-topic:0b5e7c1e-5d2c-4c3e-9d7f-1a2b3c4d5e6f')],
  ['kinesis', at('kinesis', 'stream/orders-stream/shard/0')],
])('another kind of %s ARN is unreadable, naming the service', async (service, arn) => {
  await expect(lookup(arn)).resolves.toEqual({
    state: 'unreadable',
    reason: `the broker cannot look up ${service} sources of this kind (${arn})`,
  });
});

it('says what is wrong with a source it cannot read from here, without a call', async () => {
  await expect(lookup('orders-topic')).resolves.toEqual({ state: 'unreadable', reason: 'orders-topic is not an ARN' });
  await expect(lookup('arn:aws:sns:eu-west-1:123456789012:orders-topic')).resolves.toEqual({
    state: 'unreadable',
    reason: 'SNS topic orders-topic is in eu-west-1; the broker reads sources in us-east-1',
  });
  await expect(lookup(at('sns', 'orders-topic'), OTHER)).resolves.toEqual({
    state: 'missing',
    reason: `SNS topic orders-topic is in account ${ACCOUNT}, not in account ${OTHER}`,
  });
  expect(proxy.seen).toEqual([]);
});

it('an account the broker does not act in is unreadable', async () => {
  const reason = `account ${OTHER} is not one of the accounts this broker acts in`;
  directory = new AwsSourceDirectory((account) => {
    throw new AccountUnreachableError(account, reason);
  }, clock);
  await expect(lookup(at('sqs', 'orders-queue', OTHER), OTHER)).resolves.toEqual({ state: 'unreadable', reason });
  await expect(lookup('arn:aws:s3:::orders-bucket', OTHER)).resolves.toEqual({ state: 'unreadable', reason });
});

describe('refusals and failures, as AWS answers them', () => {
  it("a bucket another account owns is unreadable: S3's 403 for ExpectedBucketOwner (moto ignores it)", async () => {
    // HeadBucket's refusals have no body.
    fault(headBucket, {
      status: 403,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'R' },
      body: '',
    });
    await expect(lookup('arn:aws:s3:::orders-bucket', OTHER)).resolves.toEqual({
      state: 'unreadable',
      reason: `S3 bucket orders-bucket in account ${OTHER} could not be read (HTTP 403); S3 answers so as well for a bucket that another account owns`,
    });
    expect(proxy.seen.filter(headBucket)).toHaveLength(1);
  });

  it('a bucket in another Region is unreadable: S3 redirects', async () => {
    fault(headBucket, {
      status: 301,
      headers: { 'content-type': 'application/xml', 'x-amz-bucket-region': 'eu-west-1' },
      body: '',
    });
    await expect(lookup('arn:aws:s3:::orders-bucket')).resolves.toEqual({
      state: 'unreadable',
      reason: 'S3 bucket orders-bucket could not be read (HTTP 301): it is in another Region',
    });
  });

  it('AccessDenied is unreadable, naming the code', async () => {
    fault(jsonOperation('AmazonSQS.GetQueueUrl'), {
      status: 403,
      headers: { 'x-amzn-query-error': 'AccessDenied;Sender' },
      body: {
        __type: 'com.amazon.coral.service#AccessDeniedException',
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/broker/x is not authorized to perform: sqs:getqueueurl`,
      },
    });
    await expect(lookup(at('sqs', 'orders-queue'))).resolves.toEqual({
      state: 'unreadable',
      reason: `SQS queue orders-queue in account ${ACCOUNT} could not be read (AccessDenied)`,
    });
  });

  it.each([
    ['a 500', jsonOperation('Kinesis_20131202.DescribeStreamSummary'), at('kinesis', 'stream/orders-stream'), 500],
    ['throttling', jsonOperation('AWSEvents.DescribeRule'), at('events', 'rule/nightly'), 400],
  ])('%s is UnavailableError, and is not kept', async (_, match, arn, status) => {
    const type = status === 500 ? 'InternalFailure' : 'ThrottlingException';
    fault(match, { status, body: { __type: type, message: 'try again' } });
    await expect(lookup(arn)).rejects.toThrow(UnavailableError);
    await expect(lookup(arn)).resolves.toEqual({ state: 'exists' });
    expect(proxy.seen.filter(match)).toHaveLength(2);
  });

  it('no answer at all is UnavailableError', async () => {
    directory = new AwsSourceDirectory(() => sourceClients('http://127.0.0.1:1'), clock);
    await expect(lookup(at('sns', 'orders-topic'))).rejects.toThrow(UnavailableError);
  });
});

describe('answers are kept for the TTL', () => {
  it('a second lookup within the TTL makes no call; one after it reads again', async () => {
    await expect(lookup(at('sns', 'orders-topic'))).resolves.toEqual({ state: 'exists' });
    clock.t = SOURCE_LOOKUP_TTL_MS - 1;
    await expect(lookup(at('sns', 'orders-topic'))).resolves.toEqual({ state: 'exists' });
    expect(proxy.seen).toHaveLength(1);
    clock.t = SOURCE_LOOKUP_TTL_MS;
    await expect(lookup(at('sns', 'orders-topic'))).resolves.toEqual({ state: 'exists' });
    expect(proxy.seen).toHaveLength(2);
  });

  it('a missing source stays missing until the TTL has passed', async () => {
    const late = at('sqs', 'late-queue');
    await expect(lookup(late)).resolves.toMatchObject({ state: 'missing' });
    await viaProxy.sqs.send(new CreateQueueCommand({ QueueName: 'late-queue' }));
    clock.t = 1_000;
    await expect(lookup(late)).resolves.toMatchObject({ state: 'missing' });
    clock.t = 1_000 + SOURCE_LOOKUP_TTL_MS;
    await expect(lookup(late)).resolves.toEqual({ state: 'exists' });
    expect(proxy.seen.filter(jsonOperation('AmazonSQS.GetQueueUrl'))).toHaveLength(2);
  });
});

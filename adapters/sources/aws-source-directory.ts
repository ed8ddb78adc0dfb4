/**
 * SourceDirectory on each source's own service, read in the account that owns it (composition gives the clients: the
 * broker's own, or a target account's spoke role). One small reader per service, chosen by the ARN's service. Answers
 * (missing and unreadable ones too) are kept for a minute: a preview asks about the same sources again and again, and
 * sources come and go rarely. A throttled or failing service is UnavailableError and is not kept.
 */
import { GetRestApiCommand, type APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { GetApiCommand, type ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { DescribeStreamCommand, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DescribeRuleCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { AccountUnreachableError, GrantRejectedError } from '../../domain/errors';
import type { SourceDirectory, SourceLookup } from '../../domain/ports';
import { parseArn, type Arn } from '../../domain/rules/arn';
import { awsErrorName, httpStatusOf, translateAwsError } from '../aws/aws-errors';

/** How long an answer is kept: a source created or deleted meanwhile is seen within a minute. */
export const SOURCE_LOOKUP_TTL_MS = 60_000;

export interface SourceClients {
  sns: SNSClient;
  sqs: SQSClient;
  s3: S3Client;
  eventBridge: EventBridgeClient;
  kinesis: KinesisClient;
  dynamoDbStreams: DynamoDBStreamsClient;
  apiGateway: APIGatewayClient;
  apiGatewayV2: ApiGatewayV2Client;
}

/** One source an ARN names, as its service reads it. */
interface Source {
  /** How reasons name it: "SNS topic orders-topic". */
  noun: string;
  /** The parts that name the resource: a wildcard in any of them names no single source. */
  names: string[];
  /** The client that reads it, whose Region the source must be in; null where the ARN names no Region (S3). */
  regional: ((clients: SourceClients) => { config: { region: () => Promise<string> } }) | null;
  /** True when it exists, false when the answer was about another source; rejects with the service's refusal. */
  read(clients: SourceClients, account: string): Promise<boolean>;
  /** Said with a 403, where the service answers so for more than a missing permission. */
  forbiddenAlso?: string;
}

const PATTERN = 'a pattern names no single source';
/** What each service answers for a source that does not exist (S3's HeadBucket has no body: the SDK names the 404). */
const MISSING = new Set([
  'NotFound',
  'NoSuchBucket',
  'NotFoundException',
  'AWS.SimpleQueueService.NonExistentQueue',
  'QueueDoesNotExist',
  'ResourceNotFoundException',
]);

const EXISTS: SourceLookup = { state: 'exists' };
const missing = (reason: string): SourceLookup => ({ state: 'missing', reason });
const unreadable = (reason: string): SourceLookup => ({ state: 'unreadable', reason });
const isPattern = (part: string) => /[*?]/.test(part);
/** A resource that is one plain name (topics, queues): anything else is another kind of ARN (a subscription, say). */
const plainName = (arn: Arn) => (/[/:]/.test(arn.resource) ? null : arn.resource);

function snsTopic(arn: Arn, raw: string): Source | null {
  const name = plainName(arn);
  if (name === null) return null;
  return {
    noun: `SNS topic ${name}`,
    names: [name],
    regional: (c) => c.sns,
    read: (c) => c.sns.send(new GetTopicAttributesCommand({ TopicArn: raw })).then(() => true),
  };
}

function sqsQueue(arn: Arn): Source | null {
  const name = plainName(arn);
  if (name === null) return null;
  return {
    noun: `SQS queue ${name}`,
    names: [name],
    regional: (c) => c.sqs,
    read: async (c, account) => {
      const { QueueUrl } = await c.sqs.send(
        new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
      );
      // The URL names the owner (…/<account>/<name>). moto answers with the caller's own queue of that name whatever
      // owner was asked for; AWS looks in the owner's account. Another account's queue is not this source.
      return QueueUrl?.split('/').at(-2) === account;
    },
  };
}

function s3Bucket(arn: Arn): Source | null {
  // A bucket ARN names no Region and no account (access points and the like do): `bucket` or `bucket/key-pattern`.
  const bucket = arn.resource.split('/')[0] ?? '';
  if (arn.region || arn.account || !bucket) return null;
  return {
    noun: `S3 bucket ${bucket}`,
    names: [bucket],
    regional: null,
    // S3 refuses (403) a bucket of another owner than ExpectedBucketOwner: bucket names are global, and a bucket of the
    // same name in someone else's account is not the source. moto ignores ExpectedBucketOwner.
    read: (c, account) =>
      c.s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: account })).then(() => true),
    forbiddenAlso: 'S3 answers so as well for a bucket that another account owns',
  };
}

function eventBridgeRule(arn: Arn): Source | null {
  // `rule/<name>` on the default bus, `rule/<bus>/<name>` on another (partner bus names hold slashes themselves).
  const [kind, ...rest] = arn.resource.split('/');
  const name = rest.pop();
  if (kind !== 'rule' || !name) return null;
  const bus = rest.length > 0 ? rest.join('/') : undefined;
  return {
    noun: `EventBridge rule ${name}${bus ? ` on event bus ${bus}` : ''}`,
    names: [name, ...(bus ? [bus] : [])],
    regional: (c) => c.eventBridge,
    read: (c) => c.eventBridge.send(new DescribeRuleCommand({ Name: name, EventBusName: bus })).then(() => true),
  };
}

function kinesisStream(arn: Arn): Source | null {
  // `stream/<name>`, or one of its consumers (`stream/<name>/consumer/<consumer>:<time>`): the stream is the source.
  const [kind, name, consumer] = arn.resource.split('/');
  if (kind !== 'stream' || !name || (consumer !== undefined && consumer !== 'consumer')) return null;
  const StreamARN = `arn:${arn.partition}:kinesis:${arn.region}:${arn.account}:stream/${name}`;
  return {
    noun: `Kinesis stream ${name}`,
    names: [name],
    regional: (c) => c.kinesis,
    read: (c) => c.kinesis.send(new DescribeStreamSummaryCommand({ StreamARN })).then(() => true),
  };
}

function dynamoDbStream(arn: Arn, raw: string): Source | null {
  const [kind, table, stream, label, ...rest] = arn.resource.split('/');
  if (kind !== 'table' || !table || stream !== 'stream' || !label || rest.length > 0) return null;
  return {
    noun: `DynamoDB stream ${label} of table ${table}`,
    names: [table, label],
    regional: (c) => c.dynamoDbStreams,
    read: async (c) => {
      const { StreamDescription } = await c.dynamoDbStreams.send(new DescribeStreamCommand({ StreamArn: raw }));
      // moto answers an unknown label of an existing table with the table's current stream (under the ARN asked
      // for); AWS with a 404. Another label is another stream.
      return StreamDescription?.StreamLabel === label;
    },
  };
}

function executeApi(arn: Arn): Source | null {
  // `<apiId>/<stage>/<METHOD>/<path>`: only the API names the source; the rest may well be a pattern.
  const apiId = arn.resource.split('/')[0];
  if (!apiId) return null;
  return {
    noun: `API Gateway API ${apiId}`,
    names: [apiId],
    regional: (c) => c.apiGateway,
    read: (c) => readApi(c, apiId),
  };
}

/** A REST API, or else an HTTP or WebSocket API: they share the execute-api ARN but live in two APIs of the service. */
async function readApi(clients: SourceClients, apiId: string): Promise<boolean> {
  try {
    await clients.apiGateway.send(new GetRestApiCommand({ restApiId: apiId }));
    return true;
  } catch (error) {
    if (awsErrorName(error) !== 'NotFoundException') throw error;
  }
  await clients.apiGatewayV2.send(new GetApiCommand({ ApiId: apiId }));
  return true;
}

/** A Map, not an object: an ARN's service must never reach Object.prototype (an ARN whose service is `constructor`). */
const SOURCES = new Map<string, (arn: Arn, raw: string) => Source | null>([
  ['sns', snsTopic],
  ['sqs', sqsQueue],
  ['s3', s3Bucket],
  ['events', eventBridgeRule],
  ['kinesis', kinesisStream],
  ['dynamodb', dynamoDbStream],
  ['execute-api', executeApi],
]);

/** Answers kept before expired ones are dropped. */
const MAX_KEPT = 1_000;

export class AwsSourceDirectory implements SourceDirectory {
  private readonly known = new Map<string, { answer: SourceLookup; until: number }>();

  constructor(
    private readonly clients: (account: string) => SourceClients,
    private readonly clock: { now(): number },
    private readonly ttlMs = SOURCE_LOOKUP_TTL_MS,
  ) {}

  async lookup(source: { arn: string; account: string }): Promise<SourceLookup> {
    const key = `${source.account} ${source.arn}`;
    const now = this.clock.now();
    const kept = this.known.get(key);
    if (kept && kept.until > now) return kept.answer;
    const answer = await this.find(source.arn, source.account);
    // Dry runs may name ever new sources: what has expired goes before the map grows past a bound.
    if (this.known.size >= MAX_KEPT) for (const [k, v] of this.known) if (v.until <= now) this.known.delete(k);
    this.known.set(key, { answer, until: now + this.ttlMs });
    return answer;
  }

  private async find(raw: string, account: string): Promise<SourceLookup> {
    const arn = parseArn(raw);
    if (!arn) return unreadable(`${raw} is not an ARN`);
    const source = SOURCES.get(arn.service)?.(arn, raw);
    if (!source) return unreadable(`the broker cannot look up ${arn.service} sources of this kind (${raw})`);
    if ([...source.names, arn.region, arn.account, account].some(isPattern)) return unreadable(PATTERN);
    // The ARN and the account must agree (S3's names none): a source of one account is never another's.
    if (arn.account && arn.account !== account) {
      return missing(`${source.noun} is in account ${arn.account}, not in account ${account}`);
    }
    try {
      const clients = this.clients(account);
      const elsewhere = await otherRegion(source, arn, clients);
      if (elsewhere) return unreadable(elsewhere);
      return (await source.read(clients, account)) ? EXISTS : missing(`no ${source.noun} in account ${account}`);
    } catch (error) {
      return answerTo(error, source, account);
    }
  }
}

/**
 * Why a source in another Region than the reading client's cannot be read from here; null when it is in the same one.
 * Reading it through this client would answer "not found" for a source that may well exist.
 */
async function otherRegion(source: Source, arn: Arn, clients: SourceClients): Promise<string | null> {
  if (!source.regional) return null;
  const region = await source.regional(clients).config.region();
  return region === arn.region ? null : `${source.noun} is in ${arn.region}; the broker reads sources in ${region}`;
}

/** What a failed read says: missing, unreadable (refused for good), or an error to retry (thrown). */
function answerTo(error: unknown, source: Source, account: string): SourceLookup {
  // An account the broker does not act in, or whose spoke role cannot be assumed.
  if (error instanceof AccountUnreachableError) return unreadable(error.message);
  const name = awsErrorName(error) ?? '';
  if (MISSING.has(name)) return missing(`no ${source.noun} in account ${account}`);
  const status = httpStatusOf(error);
  // An answer without a body (S3's HeadBucket refusing) has no code: the SDK calls it Unknown.
  const code = name && name !== 'Unknown' ? name : `HTTP ${status}`;
  const hint = status === 403 && source.forbiddenAlso ? `; ${source.forbiddenAlso}` : '';
  const refused = unreadable(`${source.noun} in account ${account} could not be read (${code})${hint}`);
  // A redirect: S3's answer for a bucket in another Region than the client's.
  if (status !== undefined && status >= 300 && status < 400) {
    return unreadable(`${source.noun} could not be read (${code}): it is in another Region`);
  }
  try {
    return translateAwsError(error, `reading ${source.noun} in account ${account}`);
  } catch (translated) {
    // AccessDenied and other permanent refusals; throttling, 5xx and no answer stay errors to retry.
    if (translated instanceof GrantRejectedError) return refused;
    throw translated;
  }
}

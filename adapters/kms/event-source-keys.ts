/**
 * EventSourceKeys on SQS, Kinesis and KMS: which customer-managed key encrypts a polled source. The source names its
 * key as it was configured (a key id, a key ARN, an alias name or an alias ARN); KMS DescribeKey resolves it to the
 * key's ARN, which is what an IAM statement must name, and says whether AWS or the customer manages it. Names are
 * resolved in the source's own account and Region, so a queue in another account does not resolve in ours.
 */
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EventSourceKeyUnresolvedError } from '../../domain/errors';
import type { EventSourceKeys } from '../../domain/ports';
import { parseArn, type Arn } from '../../domain/rules/arn';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';

/** AWS-managed keys (alias/aws/sqs, alias/aws/kinesis): their key policies let the poller in; nothing to grant. */
function isAwsManagedAlias(configured: string): boolean {
  const name = configured.startsWith('arn:') ? parseArn(configured)?.resource : configured;
  return name?.startsWith('alias/aws/') ?? false;
}
const NOT_FOUND = new Set([
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'ResourceNotFoundException',
]);
const KEY_NOT_FOUND = new Set(['NotFoundException', 'NotFound']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

export interface EventSourceKeyClients {
  sqs: SQSClient;
  kinesis: KinesisClient;
  kms: KMSClient;
}

export class AwsEventSourceKeys implements EventSourceKeys {
  /** `clientsIn` gives the clients that read a source of `account` (composition decides: a spoke role, or our own). */
  constructor(private readonly clientsIn: (account: string) => EventSourceKeyClients) {}

  async decryptKeyOf(eventSourceArn: string): Promise<string | null> {
    const source = parseArn(eventSourceArn);
    if (!source) throw new EventSourceKeyUnresolvedError(`${eventSourceArn} is not an ARN`);
    let configured: string | null;
    try {
      if (source.service === 'sqs') configured = await this.queueKey(source);
      else if (source.service === 'kinesis') configured = await this.streamKey(source, eventSourceArn);
      // DynamoDB decrypts stream records for their readers itself: no key permission on the role.
      else return null;
    } catch (error) {
      return this.refuse(error, `the event source ${eventSourceArn}`);
    }
    if (configured === null || isAwsManagedAlias(configured)) return null;
    return this.customerKeyArn(configured, source);
  }

  private async queueKey(queue: Arn): Promise<string | null> {
    const { sqs } = this.clientsIn(queue.account);
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: queue.resource, QueueOwnerAWSAccountId: queue.account }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['KmsMasterKeyId'] }),
    );
    return Attributes?.KmsMasterKeyId || null;
  }

  private async streamKey(stream: Arn, streamArn: string): Promise<string | null> {
    const { StreamDescriptionSummary: summary } = await this.clientsIn(stream.account).kinesis.send(
      new DescribeStreamSummaryCommand({ StreamARN: streamArn }),
    );
    return summary?.EncryptionType === 'KMS' ? (summary.KeyId ?? null) : null;
  }

  /** The key's ARN when the customer manages it; null for an AWS-managed key named by id or ARN. */
  private async customerKeyArn(configured: string, source: Arn): Promise<string | null> {
    const where = `arn:${source.partition}:kms:${source.region}:${source.account}`;
    const KeyId = configured.startsWith('arn:')
      ? configured
      : configured.startsWith('alias/')
        ? `${where}:${configured}`
        : `${where}:key/${configured}`;
    try {
      const { KeyMetadata } = await this.clientsIn(source.account).kms.send(new DescribeKeyCommand({ KeyId }));
      if (!KeyMetadata?.Arn) throw new EventSourceKeyUnresolvedError(`KMS returned no ARN for ${KeyId}`);
      if (KeyMetadata.KeyManager === 'AWS') return null;
      // A disabled key, or one pending deletion, decrypts nothing: no grant would ever see a record.
      if (KeyMetadata.KeyState && KeyMetadata.KeyState !== 'Enabled') {
        throw new EventSourceKeyUnresolvedError(
          `the KMS key ${KeyMetadata.Arn} that encrypts it is ${KeyMetadata.KeyState}`,
        );
      }
      return KeyMetadata.Arn;
    } catch (error) {
      if (error instanceof EventSourceKeyUnresolvedError) throw error;
      return this.refuse(error, `the KMS key ${KeyId} that encrypts it`);
    }
  }

  /** Missing or forbidden is permanent (named plainly); throttling and outages are retried. */
  private refuse(error: unknown, what: string): never {
    const name = awsErrorName(error) ?? '';
    if (NOT_FOUND.has(name) || KEY_NOT_FOUND.has(name)) {
      throw new EventSourceKeyUnresolvedError(`${what} does not exist`, { cause: error });
    }
    if (DENIED.has(name)) {
      throw new EventSourceKeyUnresolvedError(
        `the broker may not read ${what} (${name}), so it cannot tell which KMS key the function's role needs`,
        { cause: error },
      );
    }
    return translateAwsError(error, 'AWS');
  }
}

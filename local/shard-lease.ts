/**
 * The local stream reader's hold on one shard (local/stream-reader.ts): a lease in the table, so several runners on
 * one table elect one reader, and the checkpoint kept with it, so the next leader goes on after the last record read.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { awsErrorName } from '../adapters/aws/aws-errors';
import { streamReaderKey } from '../adapters/dynamodb/keys';

export const LEASE_MS = 10_000;

export class ShardLease {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly shardId: string,
    private readonly holder: string,
  ) {}

  /**
   * Takes or renews the lease, saving `seen` as the checkpoint when given; returns the stored checkpoint (null: from
   * the shard's start), or undefined when another runner leads.
   */
  async take(seen: string | null): Promise<string | null | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: streamReaderKey(this.shardId),
          UpdateExpression: `SET #holder = :me, #until = :until${seen ? ', #checkpoint = :seen' : ''}`,
          ConditionExpression: 'attribute_not_exists(#holder) OR #until < :now OR #holder = :me',
          ExpressionAttributeNames: {
            '#holder': 'holder',
            '#until': 'until',
            ...(seen ? { '#checkpoint': 'checkpoint' } : {}),
          },
          ExpressionAttributeValues: {
            ':me': this.holder,
            ':until': Date.now() + LEASE_MS,
            ':now': Date.now(),
            ...(seen ? { ':seen': seen } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (Attributes?.checkpoint as string | undefined) ?? null;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  /** Records that everything up to `sequenceNumber` was read (and renews the lease); only while holding it. */
  async checkpoint(sequenceNumber: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: streamReaderKey(this.shardId),
        UpdateExpression: 'SET #checkpoint = :seq, #until = :until',
        ConditionExpression: '#holder = :me',
        ExpressionAttributeNames: { '#checkpoint': 'checkpoint', '#until': 'until', '#holder': 'holder' },
        ExpressionAttributeValues: { ':seq': sequenceNumber, ':until': Date.now() + LEASE_MS, ':me': this.holder },
      }),
    );
  }
}

/** WorkLeases on the broker table: one conditional put takes a lease, a conditional delete gives it back. */
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WorkLeases } from '../../domain/ports';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';
import { leaseKey } from './keys';

export class DynamoWorkLeases implements WorkLeases {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(requestId: string, holder: string, until: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...leaseKey(requestId),
            holder,
            until: until.getTime(),
            ttl: Math.ceil(until.getTime() / 1000) + 3600,
          },
          ConditionExpression: 'attribute_not_exists(PK) OR #until < :now OR #holder = :holder',
          ExpressionAttributeNames: { '#until': 'until', '#holder': 'holder' },
          ExpressionAttributeValues: { ':now': this.now(), ':holder': holder },
        }),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      return translateAwsError(error, 'the request table');
    }
  }

  async release(requestId: string, holder: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: leaseKey(requestId),
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': 'holder' },
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      // Someone took over a lapsed lease: it is theirs now.
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') translateAwsError(error, 'the request table');
    }
  }
}

/** DispatchClaims on the broker table: one conditional put per change; DynamoDB's TTL drops them after a day. */
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DispatchClaims } from '../../domain/ports';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';
import { dispatchClaimKey } from './keys';

export class DynamoDispatchClaims implements DispatchClaims {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(change: string, until: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...dispatchClaimKey(change), ttl: Math.ceil(until.getTime() / 1000) },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      return translateAwsError(error, 'the request table');
    }
  }

  async release(change: string): Promise<void> {
    try {
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: dispatchClaimKey(change) }));
    } catch (error) {
      translateAwsError(error, 'the request table');
    }
  }
}

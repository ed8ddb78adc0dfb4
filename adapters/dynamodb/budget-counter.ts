/** SecondCounter on the broker table: one small item per (scope, second), counted with a conditional ADD. */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecondCounter } from '../aws/control-plane-budget';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';
import { budgetSecondKey } from './keys';

/** Counters are only read in their own second; DynamoDB's TTL may drop them any time after. */
const KEEP_SECONDS = 300;

export class DynamoSecondCounter implements SecondCounter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async tryTake(scope: string, second: number, limit: number): Promise<boolean> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: budgetSecondKey(scope, second),
          UpdateExpression: 'ADD #calls :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#calls) OR #calls < :limit',
          ExpressionAttributeNames: { '#calls': 'calls', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': second + KEEP_SECONDS },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      // DynamoDB's condition makes an overshoot impossible; moto's writes are not isolated, so two racing callers
      // can both pass it. The count each one made tells: the one past the limit has no slot.
      return ((Attributes?.calls as number | undefined) ?? 0) <= limit;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      return translateAwsError(error, 'the request table');
    }
  }

  async add(scope: string, second: number, amount: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: budgetSecondKey(scope, second),
          UpdateExpression: 'ADD #calls :amount SET #ttl = :ttl',
          ExpressionAttributeNames: { '#calls': 'calls', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':amount': amount, ':ttl': second + KEEP_SECONDS },
        }),
      );
    } catch (error) {
      translateAwsError(error, 'the request table');
    }
  }
}

/**
 * How far each request's history has been told to its requester in Slack direct messages, and the end time whose expiry
 * notice was sent (docs/slack.md, The Slack side, for the people who run it), kept beside the request like its channel
 * message's ref. `told` only grows, so a retried notification repeats nothing; the notice is sent once per end time.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';
import { requesterDmKey } from './keys';

export interface RequesterDmState {
  /** History events already told. */
  told: number;
  /** The `expiresAt` whose expiry notice was sent; null before the first. */
  noticeFor: string | null;
}

export class DynamoRequesterDmStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Null when nothing of the request was ever told in a direct message. */
  async get(requestId: string): Promise<RequesterDmState | null> {
    try {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: requesterDmKey(requestId), ConsistentRead: true }),
      );
      if (!Item) return null;
      return {
        told: (Item.told as number | undefined) ?? 0,
        noticeFor: (Item.noticeFor as string | undefined) ?? null,
      };
    } catch (error) {
      return translateAwsError(error, 'the request table');
    }
  }

  async markTold(requestId: string, told: number): Promise<void> {
    await this.update(requestId, 'SET #told = :told', 'attribute_not_exists(#told) OR #told < :told', {
      names: { '#told': 'told' },
      values: { ':told': told },
    });
  }

  async markNotice(requestId: string, expiresAt: string): Promise<void> {
    await this.update(requestId, 'SET #notice = :at', undefined, {
      names: { '#notice': 'noticeFor' },
      values: { ':at': expiresAt },
    });
  }

  private async update(
    requestId: string,
    expression: string,
    condition: string | undefined,
    attributes: { names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: requesterDmKey(requestId),
          UpdateExpression: expression,
          ...(condition ? { ConditionExpression: condition } : {}),
          ExpressionAttributeNames: attributes.names,
          ExpressionAttributeValues: attributes.values,
        }),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') translateAwsError(error, 'the request table');
    }
  }
}

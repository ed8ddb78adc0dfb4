/**
 * Where each request's Slack message lives (channel and ts) and how much of its history has been told there, kept
 * beside the request, outside its versioned item. `told` only grows, so a retried announcement repeats nothing.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';
import { slackMessageKey } from './keys';

export interface SlackMessageRef {
  channel: string;
  ts: string;
  /** History events already told by the message or its thread. */
  told: number;
  /** The first channel's reference only: the approval steps' other channels, each with a message of its own. */
  otherChannels?: string[];
}

export class DynamoSlackMessageStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(requestId: string, ref: SlackMessageRef): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: { ...slackMessageKey(requestId), ...ref } }),
      );
    } catch (error) {
      translateAwsError(error, 'the request table');
    }
  }

  async get(requestId: string): Promise<SlackMessageRef | null> {
    try {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: slackMessageKey(requestId), ConsistentRead: true }),
      );
      if (!Item) return null;
      const others = Item.otherChannels as string[] | undefined;
      return {
        channel: Item.channel as string,
        ts: Item.ts as string,
        told: (Item.told as number | undefined) ?? 0,
        ...(others ? { otherChannels: others } : {}),
      };
    } catch (error) {
      return translateAwsError(error, 'the request table');
    }
  }

  async markTold(requestId: string, told: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: slackMessageKey(requestId),
          UpdateExpression: 'SET #told = :told',
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(#told) OR #told < :told)',
          ExpressionAttributeNames: { '#told': 'told' },
          ExpressionAttributeValues: { ':told': told },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') translateAwsError(error, 'the request table');
    }
  }
}

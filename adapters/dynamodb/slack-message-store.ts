/** Where each request's Slack message lives (channel and ts), kept beside the request, outside its versioned item. */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from '../aws/aws-errors';
import { slackMessageKey } from './keys';

export interface SlackMessageRef {
  channel: string;
  ts: string;
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
        new GetCommand({ TableName: this.tableName, Key: slackMessageKey(requestId) }),
      );
      return Item ? { channel: Item.channel as string, ts: Item.ts as string } : null;
    } catch (error) {
      return translateAwsError(error, 'the request table');
    }
  }
}

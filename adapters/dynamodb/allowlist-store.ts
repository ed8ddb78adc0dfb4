/** AllowlistStore on DynamoDB: all entries share one partition, so listing them is a Query, not a Scan. */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AllowlistEntry } from '../../domain/model/allowlist-entry';
import type { AllowlistStore } from '../../domain/ports';
import { translateAwsError } from '../aws/aws-errors';
import { ALLOWLIST_PK, entryKey } from './keys';

function fromItem(item: Record<string, unknown>): AllowlistEntry {
  const { PK: _pk, SK: _sk, ...entry } = item;
  return entry as unknown as AllowlistEntry;
}

export class DynamoAllowlistStore implements AllowlistStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(entry: AllowlistEntry): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...entryKey(entry.id), ...entry } }));
    } catch (error) {
      translateAwsError(error, 'the allowlist table');
    }
  }

  async get(id: string | null): Promise<AllowlistEntry | null> {
    if (id === null) return null;
    try {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: entryKey(id), ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : null;
    } catch (error) {
      return translateAwsError(error, 'the allowlist table');
    }
  }

  async list(): Promise<AllowlistEntry[]> {
    const entries: AllowlistEntry[] = [];
    try {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': ALLOWLIST_PK },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        entries.push(...(page.Items ?? []).map(fromItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      return translateAwsError(error, 'the allowlist table');
    }
    return entries;
  }

  async delete(id: string): Promise<boolean> {
    try {
      const { Attributes } = await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: entryKey(id), ReturnValues: 'ALL_OLD' }),
      );
      return Attributes !== undefined;
    } catch (error) {
      return translateAwsError(error, 'the allowlist table');
    }
  }
}

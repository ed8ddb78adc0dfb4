/**
 * AllowlistStore on DynamoDB: all entries share one partition, so listing them is a Query, not a Scan. Each put or
 * delete writes the entry's re-check marker (PK RECHECK) in the same transaction (see the port).
 */
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AllowlistEntry } from '../../domain/model/allowlist-entry';
import type { AllowlistStore, PendingRecheck } from '../../domain/ports';
import { awsErrorName, cancellationCodes, translateAwsError } from '../aws/aws-errors';
import { ALLOWLIST_PK, RECHECK_PK, entryKey, recheckMarkerKey } from './keys';

function fromItem(item: Record<string, unknown>): AllowlistEntry {
  const { PK: _pk, SK: _sk, ...entry } = item;
  return entry as unknown as AllowlistEntry;
}

export class DynamoAllowlistStore implements AllowlistStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private marker(entryId: string, changedAt: string) {
    return { Put: { TableName: this.tableName, Item: { ...recheckMarkerKey(entryId), entryId, changedAt } } };
  }

  async put(entry: AllowlistEntry): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...entryKey(entry.id), ...entry } } },
            this.marker(entry.id, entry.updatedAt),
          ],
        }),
      );
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

  private async query(pk: string, filter?: { expression: string; values: Record<string, unknown> }) {
    const items: Record<string, unknown>[] = [];
    try {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'PK = :pk',
            ...(filter ? { FilterExpression: filter.expression } : {}),
            ExpressionAttributeValues: { ':pk': pk, ...filter?.values },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      return translateAwsError(error, 'the allowlist table');
    }
    return items;
  }

  async list(): Promise<AllowlistEntry[]> {
    return (await this.query(ALLOWLIST_PK)).map(fromItem);
  }

  async delete(id: string, at: Date): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: entryKey(id),
                ConditionExpression: 'attribute_exists(PK)',
              },
            },
            this.marker(id, at.toISOString()),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)[0] === 'ConditionalCheckFailed') return false;
      return translateAwsError(error, 'the allowlist table');
    }
  }

  async pendingRechecks(changedBy: Date): Promise<PendingRecheck[]> {
    const items = await this.query(RECHECK_PK, {
      expression: 'changedAt <= :by',
      values: { ':by': changedBy.toISOString() },
    });
    return items.map((item) => ({ entryId: String(item.entryId), changedAt: String(item.changedAt) }));
  }

  async recheckDone(entryId: string, startedAt: Date): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: recheckMarkerKey(entryId),
          // A change after the re-check began keeps its marker: that change was not (all) seen.
          ConditionExpression: 'changedAt <= :started',
          ExpressionAttributeValues: { ':started': startedAt.toISOString() },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') translateAwsError(error, 'the allowlist table');
    }
  }
}

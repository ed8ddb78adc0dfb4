/**
 * AllowlistStore on DynamoDB: all entries share one partition, so listing them is a Query, not a Scan. Each put or
 * delete is conditioned on the version it replaces and writes, in the same transaction, the entry's re-check marker
 * (PK RECHECK) and its change record (PK ENTRY_CHANGES: who, when, before and after, for the audit stream).
 */
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { DEFAULT_MAX_START_DELAY_SECONDS, type AllowlistEntry } from '../../domain/model/allowlist-entry';
import type { AllowlistChange } from '../../domain/model/allowlist-change';
import type { EntryChange } from '../../domain/model/entry-change';
import type { AllowlistStore, PendingRecheck } from '../../domain/ports';
import { awsErrorName, cancellationCodes, translateAwsError } from '../aws/aws-errors';
import {
  ALLOWLIST_PK,
  ENTRY_CHANGES_PK,
  RECHECK_PK,
  entryChangeKey,
  entryChangePrefix,
  entryKey,
  proposalKey,
  recheckMarkerKey,
} from './keys';

/**
 * An entry stored before versions reads as version 1; one stored before approver groups, steps and start times names
 * none and allows the default delay, as a PUT of it now would store it.
 */
export function entryFromItem(item: Record<string, unknown>): AllowlistEntry {
  const { PK: _pk, SK: _sk, ...entry } = item;
  const before = { approverGroups: [], approvalSteps: [], maxStartDelaySeconds: DEFAULT_MAX_START_DELAY_SECONDS };
  return { version: 1, ...before, ...entry } as unknown as AllowlistEntry;
}

/** The stored entry is still `before`: absent when null, else at its version (1 also matches one stored unversioned). */
export function stillAt(before: AllowlistEntry | null) {
  if (before === null) return { ConditionExpression: 'attribute_not_exists(PK)' };
  return {
    ConditionExpression:
      before.version === 1
        ? 'attribute_exists(PK) AND (#version = :version OR attribute_not_exists(#version))'
        : '#version = :version',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':version': before.version },
  };
}

const conditionFailed = (error: unknown) => cancellationCodes(error).includes('ConditionalCheckFailed');

export class DynamoAllowlistStore implements AllowlistStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private marker(entryId: string, changedAt: string) {
    return { Put: { TableName: this.tableName, Item: { ...recheckMarkerKey(entryId), entryId, changedAt } } };
  }

  /** The proposal a write applies, decided in the same transaction while still PENDING (the two-person rule). */
  private decision(decided: AllowlistChange | undefined) {
    if (!decided) return [];
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...proposalKey(decided.id), ...decided },
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING' },
        },
      },
    ];
  }

  private changeRecord(change: EntryChange) {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...entryChangeKey(change.entryId, change.version), ...change },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  async put(entry: AllowlistEntry, before: AllowlistEntry | null, decided?: AllowlistChange): Promise<boolean> {
    const change: EntryChange = {
      entryId: entry.id,
      actor: entry.updatedBy,
      at: entry.updatedAt,
      version: entry.version,
      before,
      after: entry,
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...entryKey(entry.id), ...entry }, ...stillAt(before) } },
            this.marker(entry.id, entry.updatedAt),
            this.changeRecord(change),
            ...this.decision(decided),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      return translateAwsError(error, 'the allowlist table');
    }
  }

  async get(id: string | null): Promise<AllowlistEntry | null> {
    if (id === null) return null;
    try {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: entryKey(id), ConsistentRead: true }),
      );
      return Item ? entryFromItem(Item) : null;
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
    return (await this.query(ALLOWLIST_PK)).map(entryFromItem);
  }

  async delete(before: AllowlistEntry, actor: string, at: Date, decided?: AllowlistChange): Promise<boolean> {
    const when = at.toISOString();
    const change = { entryId: before.id, actor, at: when, version: before.version + 1, before, after: null };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: this.tableName, Key: entryKey(before.id), ...stillAt(before) } },
            this.marker(before.id, when),
            this.changeRecord(change),
            ...this.decision(decided),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      return translateAwsError(error, 'the allowlist table');
    }
  }

  async lastVersion(entryId: string): Promise<number> {
    try {
      const { Items } = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': ENTRY_CHANGES_PK, ':prefix': entryChangePrefix(entryId) },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      return (Items?.[0]?.version as number | undefined) ?? 0;
    } catch (error) {
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

/**
 * AllowlistChangeStore on DynamoDB: proposals share one partition (PK ALLOWLIST_CHANGES), so listing them is a Query;
 * a decision is a write conditioned on the proposal still being PENDING.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AllowlistChange } from '../../domain/model/allowlist-change';
import type { AllowlistChangeStore } from '../../domain/ports';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';
import { PROPOSALS_PK, proposalKey } from './keys';

const fromItem = ({ PK: _pk, SK: _sk, ...change }: Record<string, unknown>) => change as unknown as AllowlistChange;
const WHAT = 'the allowlist changes';

export class DynamoAllowlistChangeStore implements AllowlistChangeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(change: AllowlistChange): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...proposalKey(change.id), ...change },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      translateAwsError(error, WHAT);
    }
  }

  async get(id: string): Promise<AllowlistChange | null> {
    try {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: proposalKey(id), ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : null;
    } catch (error) {
      return translateAwsError(error, WHAT);
    }
  }

  async list(status: AllowlistChange['status'] | null): Promise<AllowlistChange[]> {
    const changes: AllowlistChange[] = [];
    try {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': PROPOSALS_PK },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        changes.push(...(page.Items ?? []).map(fromItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      return translateAwsError(error, WHAT);
    }
    return changes
      .filter((c) => status === null || c.status === status)
      .sort((a, b) => b.proposedAt.localeCompare(a.proposedAt) || b.id.localeCompare(a.id));
  }

  async decide(decided: AllowlistChange): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...proposalKey(decided.id), ...decided },
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING' },
        }),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      return translateAwsError(error, WHAT);
    }
  }
}

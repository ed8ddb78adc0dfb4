/** The hourly reconcile's progress per account, one item each on the broker table. */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReconcileProgress, ReconcileProgressStore } from '../../domain/ports';
import { translateAwsError } from '../aws/aws-errors';
import { reconcileProgressKey } from './keys';

export class DynamoReconcileProgressStore implements ReconcileProgressStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(account: string): Promise<ReconcileProgress | null> {
    try {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: reconcileProgressKey(account), ConsistentRead: true }),
      );
      if (!Item) return null;
      return {
        account,
        next: typeof Item.next === 'string' ? Item.next : null,
        passStartedAt: String(Item.passStartedAt),
        previousPassStartedAt: typeof Item.previousPassStartedAt === 'string' ? Item.previousPassStartedAt : null,
      };
    } catch (error) {
      return translateAwsError(error, 'the request table');
    }
  }

  async put(progress: ReconcileProgress): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...reconcileProgressKey(progress.account), ...progress },
        }),
      );
    } catch (error) {
      translateAwsError(error, 'the request table');
    }
  }
}

/**
 * SecondCounter on the broker table: one small item per (scope, second) holding the set of callers counted there.
 *
 * A caller adds its own token to the set under the condition that the set still has room, and holds a slot when the
 * set it added to is within the limit. On DynamoDB the condition alone decides (writes to one item are isolated).
 * moto runs requests on threads without isolating them: two racing numeric ADDs can both read 3 and both write 4
 * (a lost update, five callers believing they hold four slots), and two racing writes that create an item replace
 * each other. Its string-set ADD appends to the stored set in place, which loses nothing, so counting members (never
 * a number), on an item that exists before anyone counts in it, keeps the limit there too; a racing caller may
 * then see the set past the limit and give its slot up (a slot wasted, never one too many).
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecondCounter } from '../aws/control-plane-budget';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';
import { budgetSecondKey } from './keys';

/** Counters are only read in their own second; DynamoDB's TTL may drop them any time after. */
const KEEP_SECONDS = 300;
/** Every counter set starts with this member (DynamoDB sets cannot be empty): `limit` callers make it full. */
const OPEN = 'open';
/** How many items created ahead a process remembers (a few per scope around now). */
const REMEMBERED_ITEMS = 256;

export class DynamoSecondCounter implements SecondCounter {
  /** Items this process created ahead lately, oldest first: not created ahead again. */
  private readonly created = new Set<string>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async tryTake(scope: string, second: number, limit: number): Promise<boolean> {
    const tokens = [randomUUID()];
    // The next second's item is made alongside, so callers there (usually) find it and write once; only a speed-up,
    // so its failure is left to the caller that finds the item missing.
    const [outcome] = await Promise.all([
      this.addCreating(scope, second, tokens, limit),
      this.createAhead(scope, second + 1).catch(() => undefined),
    ]);
    return typeof outcome === 'number' && outcome <= limit;
  }

  async add(scope: string, second: number, amount: number): Promise<void> {
    await this.addCreating(
      scope,
      second,
      Array.from({ length: amount }, () => randomUUID()),
      null,
    );
  }

  /** addMembers, creating the second's item first when nobody has. */
  private async addCreating(
    scope: string,
    second: number,
    tokens: string[],
    limit: number | null,
  ): Promise<number | 'full' | 'missing'> {
    const outcome = await this.addMembers(scope, second, tokens, limit);
    if (outcome !== 'missing') return outcome;
    await this.create(scope, second);
    return this.addMembers(scope, second, tokens, limit);
  }

  /**
   * Adds `tokens` to the second's set (only while it holds fewer than `limit` callers, when given): the number of
   * callers counted after the add, 'full', or 'missing' when nobody created the second's item yet.
   */
  private async addMembers(
    scope: string,
    second: number,
    tokens: string[],
    limit: number | null,
  ): Promise<number | 'full' | 'missing'> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: budgetSecondKey(scope, second),
          UpdateExpression: 'ADD #callers :tokens',
          // Never ADD to a set that does not exist: on moto, two such writes would each create it and one be lost.
          ConditionExpression:
            limit === null ? 'attribute_exists(#callers)' : 'attribute_exists(#callers) AND size(#callers) <= :limit',
          ExpressionAttributeNames: { '#callers': 'callers' },
          ExpressionAttributeValues: { ':tokens': new Set(tokens), ...(limit === null ? {} : { ':limit': limit }) },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const callers = Attributes?.callers as Set<string> | undefined;
      return callers ? callers.size - 1 : 'full';
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') {
        return (error as { Item?: unknown }).Item ? 'full' : 'missing';
      }
      return translateAwsError(error, 'the request table');
    }
  }

  private async createAhead(scope: string, second: number): Promise<void> {
    const key = `${scope}#${second}`;
    if (this.created.has(key)) return;
    this.created.add(key);
    if (this.created.size > REMEMBERED_ITEMS) this.created.delete(this.created.values().next().value as string);
    await this.create(scope, second);
  }

  /** Creates the second's item with nobody counted yet; when it exists already, nothing changes. */
  private async create(scope: string, second: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: budgetSecondKey(scope, second),
          UpdateExpression: 'SET #callers = :open, #ttl = :ttl',
          // Never rewrite a set others may be adding to: on moto that write could drop their members.
          ConditionExpression: 'attribute_not_exists(#callers)',
          ExpressionAttributeNames: { '#callers': 'callers', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':open': new Set([OPEN]), ':ttl': second + KEEP_SECONDS },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return;
      translateAwsError(error, 'the request table');
    }
  }
}

/** RequestStore on DynamoDB: conditional writes for every transition, queries only (never Scan). */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StaleRequestError } from '../../domain/errors';
import { functionNameOf } from '../../domain/rules/function-ref';
import { listPosition } from '../../domain/rules/list-cursor';
import type { Approval, GrantRequest } from '../../domain/model/request';
import type {
  CreateOutcome,
  DuePage,
  IdempotencyClaim,
  ListPage,
  ListQuery,
  ListSource,
  RequestStore,
} from '../../domain/ports';
import { awsErrorName, cancellationCodes, translateAwsError } from '../aws/aws-errors';
import {
  ACTIVE_EXPIRY_PARTITION,
  INDEX,
  claimKey,
  listSourceKey,
  requestIndexKeys,
  requestKey,
  statusPartition,
  type IndexKeys,
} from './keys';

const KEY_ATTRIBUTES = [
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'EXPK',
  'EXSK',
  'functionName',
];

/** What one list call reads from the table at most, whatever its filters (docs/api.md: GET /v1/requests). */
export const MAX_ITEMS_READ = 1_000;

export function toItem(request: GrantRequest): Record<string, unknown> {
  const functionName = functionNameOf(request.functionArn);
  return { ...requestKey(request.id), ...requestIndexKeys(request), functionName, ...request };
}

type StoredApproval = Omit<Approval, 'person' | 'counted' | 'step'> &
  Partial<Pick<Approval, 'person' | 'counted' | 'step'>>;

export function fromItem(item: Record<string, unknown>): GrantRequest {
  // Requests stored before extensions existed extend nothing and have none; before persons, each ARN was its own
  // person and every approval counted.
  const copy: Record<string, unknown> = {
    extends: null,
    extensions: [],
    requesterPerson: item.requester,
    removalBlockedSince: null,
    removalRetryAt: null,
    policyPreview: null,
    warnings: [],
    startsAt: null,
    approvalSteps: null,
    ...item,
  };
  copy.approvals = ((item.approvals ?? []) as StoredApproval[]).map((a) => ({
    step: null,
    ...a,
    person: a.person ?? a.approver,
    counted: a.counted ?? true,
  }));
  for (const key of KEY_ATTRIBUTES) delete copy[key];
  return copy as unknown as GrantRequest;
}

/** The key of the item at index position `<time>#<id>`: where a due-list page resumes. */
function startKeyAfter(index: IndexKeys, partition: string, position: string): Record<string, string> {
  const id = position.slice(position.lastIndexOf('#') + 1);
  return { ...requestKey(id), [index.pk]: partition, [index.sk]: position };
}

/** Items the first page of a filtered list reads. */
const FIRST_FILTERED_PAGE = 100;

export class DynamoRequestStore implements RequestStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(request: GrantRequest, claim: IdempotencyClaim | null, now: Date): Promise<CreateOutcome> {
    const put = {
      TableName: this.tableName,
      Item: toItem(request),
      ConditionExpression: 'attribute_not_exists(PK)',
    };
    if (!claim) {
      // One item needs no transaction (and moto's transactions copy the whole table, stream included).
      try {
        await this.db.send(new PutCommand(put));
        return { created: true };
      } catch (error) {
        return translateAwsError(error, 'the request table');
      }
    }
    const claimPut = {
      TableName: this.tableName,
      Item: {
        ...claimKey(claim.caller, claim.key),
        requestId: request.id,
        bodyHash: claim.bodyHash,
        expiresAt: claim.expiresAt,
        ttl: Math.ceil(Date.parse(claim.expiresAt) / 1000),
      },
      // A lapsed claim may be taken over: DynamoDB's TTL deletes late, so expiry is checked here.
      ConditionExpression: 'attribute_not_exists(PK) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    };
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, { Put: claimPut }] }));
      return { created: true };
    } catch (error) {
      if (awsErrorName(error) === 'TransactionCanceledException') {
        const existing =
          cancellationCodes(error)[1] === 'ConditionalCheckFailed'
            ? await this.findClaim(claim.caller, claim.key, now)
            : null;
        if (existing) return { created: false, existing };
      }
      return translateAwsError(error, 'the request table');
    }
  }

  async findClaim(caller: string, key: string, now: Date): Promise<{ requestId: string; bodyHash: string } | null> {
    try {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: claimKey(caller, key), ConsistentRead: true }),
      );
      if (!Item || (Item.expiresAt as string) <= now.toISOString()) return null;
      return { requestId: Item.requestId as string, bodyHash: Item.bodyHash as string };
    } catch (error) {
      return translateAwsError(error, 'the request table');
    }
  }

  async get(id: string): Promise<GrantRequest | null> {
    try {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: requestKey(id), ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : null;
    } catch (error) {
      return translateAwsError(error, 'the request table');
    }
  }

  async update(previous: GrantRequest, next: GrantRequest): Promise<GrantRequest> {
    if (next.history.length < previous.history.length) throw new Error('history is append-only');
    const stored: GrantRequest = { ...next, version: previous.version + 1 };
    try {
      // One item, so a conditional put is enough: the history travels inside it, written with its transition.
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(stored),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': previous.version },
        }),
      );
      return stored;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') throw new StaleRequestError(previous.id);
      return translateAwsError(error, 'the request table');
    }
  }

  /**
   * Both items in one transaction (the AWS way to change two items together): a crash can leave neither half alone,
   * so a grant never lists an extension that does not exist, nor gains one it does not list.
   */
  async createExtension(extension: GrantRequest, original: GrantRequest, next: GrantRequest): Promise<void> {
    if (next.history.length < original.history.length) throw new Error('history is append-only');
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: toItem(extension),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: toItem({ ...next, version: original.version + 1 }),
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': original.version },
              },
            },
          ],
        }),
      );
    } catch (error) {
      // A changed original (or a transaction that met another write on it): read again and decide again.
      const codes = cancellationCodes(error);
      if (codes.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) {
        throw new StaleRequestError(original.id);
      }
      translateAwsError(error, 'the request table');
    }
  }

  /**
   * Newest first, merged over the query's sources (its own requests, the entries it approves, or statuses). One call
   * reads at most MAX_ITEMS_READ items in all, however selective its filters: when a source stops early, only what is
   * known to be complete is answered (possibly fewer than `limit`, even none) and `next` resumes where it stopped.
   */
  async list(query: ListQuery): Promise<ListPage> {
    const budget = Math.max(query.limit + 1, Math.floor(MAX_ITEMS_READ / Math.max(1, query.sources.length)));
    const perSource = await Promise.all(query.sources.map((s) => this.queryNewest(s, query, budget)));
    const byId = new Map<string, GrantRequest>();
    for (const { items } of perSource) for (const item of items) byId.set(item.id, item);
    // An unfinished source may still hold anything older than where it stopped: answer only what is newer.
    const stops = perSource.map((p) => p.stoppedAt).filter((at): at is string => at !== null);
    const boundary = stops.length > 0 ? stops.reduce((a, b) => (a > b ? a : b)) : null;
    const complete = [...byId.values()]
      .filter((r) => boundary === null || listPosition(r) >= boundary)
      .sort((a, b) => (listPosition(a) < listPosition(b) ? 1 : -1));
    const items = complete.slice(0, query.limit);
    const last = items[items.length - 1];
    if (complete.length > query.limit && last) return { items, next: listPosition(last) };
    return { items, next: boundary };
  }

  /**
   * How many PENDING requests (and extensions) a person asked for since `since`, counting up to `max`: its newest
   * requests of that window only, so a long history costs nothing.
   */
  async pendingBy(person: string, since: string, max: number): Promise<number> {
    const { index, partition } = listSourceKey({ kind: 'requester', value: person });
    let counted = 0;
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: index.name,
            KeyConditionExpression: '#pk = :pk AND #sk > :since',
            FilterExpression: '#status = :pending',
            ExpressionAttributeNames: { '#pk': index.pk, '#sk': index.sk, '#status': 'status' },
            ExpressionAttributeValues: { ':pk': partition, ':since': since, ':pending': 'PENDING' },
            Select: 'COUNT',
            ExclusiveStartKey: startKey,
          }),
        );
        counted += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey && counted < max);
    } catch (error) {
      return translateAwsError(error, 'the request table');
    }
    return Math.min(counted, max);
  }

  pendingCreatedBy(cutoff: string, limit: number, after: string | null): Promise<DuePage> {
    return this.queryRange(INDEX.byStatus, statusPartition('PENDING'), `${cutoff}~`, limit, after);
  }

  approved(limit: number, after: string | null): Promise<DuePage> {
    return this.queryRange(INDEX.byStatus, statusPartition('APPROVED'), null, limit, after);
  }

  dueActive(now: string, limit: number, after: string | null): Promise<DuePage> {
    return this.queryRange(INDEX.byExpiry, ACTIVE_EXPIRY_PARTITION, `${now}~`, limit, after);
  }

  liveByEntry(entryId: string, limit: number, after: string | null): Promise<DuePage> {
    const { index, partition } = listSourceKey({ kind: 'entry', value: entryId });
    return this.queryRange(index, partition, null, limit, after, {
      expression: '#status IN (:pending, :approved, :scheduled, :active)',
      names: { '#status': 'status' },
      values: { ':pending': 'PENDING', ':approved': 'APPROVED', ':scheduled': 'SCHEDULED', ':active': 'ACTIVE' },
    });
  }

  /**
   * Oldest first, sort key below `before` when given (`<time>~` sorts after every `<time>#<id>`: inclusive), resuming
   * after the position `after` (`<time>#<id>` of the last item the previous page read). With a filter, `limit` counts
   * the items read, so a page may keep fewer.
   */
  private async queryRange(
    index: IndexKeys,
    partition: string,
    before: string | null,
    limit: number,
    after: string | null,
    filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<DuePage> {
    const names: Record<string, string> = { '#pk': index.pk, ...filter?.names };
    const values: Record<string, unknown> = { ':pk': partition, ...filter?.values };
    let keyCondition = '#pk = :pk';
    if (before !== null) {
      names['#sk'] = index.sk;
      values[':before'] = before;
      keyCondition += ' AND #sk < :before';
    }
    try {
      const { Items, LastEvaluatedKey } = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: keyCondition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: true,
          Limit: limit,
          ...(filter ? { FilterExpression: filter.expression } : {}),
          ...(after === null ? {} : { ExclusiveStartKey: startKeyAfter(index, partition, after) }),
        }),
      );
      // Where this page stopped reading: the last item read, kept or filtered out.
      return { items: (Items ?? []).map(fromItem), next: (LastEvaluatedKey?.[index.sk] as string | undefined) ?? null };
    } catch (error) {
      return translateAwsError(error, 'the request table');
    }
  }

  /**
   * Up to limit+1 matching requests of one source, newest first, strictly older than the cursor, reading at most
   * `budget` items; `stoppedAt` is where it stopped reading when more may follow (null: the source was read out).
   */
  private async queryNewest(
    source: ListSource,
    query: ListQuery,
    budget: number,
  ): Promise<{ items: GrantRequest[]; stoppedAt: string | null }> {
    const { after } = query;
    const { index, partition } = listSourceKey(source);
    const names: Record<string, string> = { '#pk': index.pk };
    const values: Record<string, unknown> = { ':pk': partition };
    let keyCondition = '#pk = :pk';
    if (after !== null) {
      names['#sk'] = index.sk;
      values[':after'] = after;
      keyCondition += ' AND #sk < :after';
    }
    const filters: string[] = [];
    if (query.status !== null && source.kind !== 'status') {
      names['#status'] = 'status';
      values[':status'] = query.status;
      filters.push('#status = :status');
    }
    if (query.functionName !== null) {
      names['#fa'] = 'functionArn';
      names['#fn'] = 'functionName';
      values[':fn'] = query.functionName;
      filters.push('(#fa = :fn OR #fn = :fn)');
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    };
    const found: GrantRequest[] = [];
    let read = 0;
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        // Without a filter limit+1 items say whether more follow. With one, a first page of a few times that (a filter
        // that matches often answers from it, without carrying a thousand items), then the rest of the budget at once.
        const pageSize =
          filters.length > 0
            ? read === 0
              ? Math.min(budget, Math.max(FIRST_FILTERED_PAGE, 4 * (query.limit + 1)))
              : budget - read
            : Math.min(budget - read, query.limit + 1 - found.length);
        const page = await this.db.send(new QueryCommand({ ...input, Limit: pageSize, ExclusiveStartKey: startKey }));
        found.push(...(page.Items ?? []).map(fromItem));
        read += page.ScannedCount ?? page.Items?.length ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey && found.length <= query.limit && read < budget);
    } catch (error) {
      return translateAwsError(error, 'the request table');
    }
    const items = found.slice(0, query.limit + 1);
    // Read out, or enough found to know what comes next: nothing unread can matter to this page.
    const stoppedAt =
      startKey && found.length <= query.limit ? ((startKey[index.sk] as string | undefined) ?? null) : null;
    return { items, stoppedAt };
  }
}

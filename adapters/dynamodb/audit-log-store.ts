/**
 * AuditLog on DynamoDB: one partition a day (PK AUDIT#<yyyy-MM-dd>), sorted by `<at>#<requestId>#<sequence>`, so a
 * window is read day by day in time order with Queries, never a Scan. A record written again is the same item.
 */
import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../domain/model/audit-record';
import type { AuditLog, AuditQuery } from '../../domain/ports';
import { auditPosition } from '../../domain/use-cases/read-audit';
import { UnavailableError } from '../../domain/errors';
import { translateAwsError } from '../aws/aws-errors';
import { auditDayKey } from './keys';

const DAY_MS = 24 * 3600 * 1000;
/** BatchWriteItem takes 25 items a call. */
const WRITES_PER_CALL = 25;
/** Unprocessed items are written again this many times before the write fails (and is delivered again). */
const WRITE_ROUNDS = 5;

const dayOf = (iso: string) => iso.slice(0, 10);

/** The days from `since`'s to `until`'s, in order. */
function daysBetween(since: string, until: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${dayOf(since)}T00:00:00.000Z`); t <= Date.parse(until); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(records: readonly AuditRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += WRITES_PER_CALL) {
      let requests = records.slice(start, start + WRITES_PER_CALL).map((r) => ({
        PutRequest: { Item: { PK: auditDayKey(dayOf(r.at)), SK: auditPosition(r), ...r } },
      }));
      for (let round = 1; requests.length > 0; round++) {
        if (round > WRITE_ROUNDS) {
          throw new UnavailableError(`the audit trail left ${requests.length} records unwritten; retry later`);
        }
        try {
          const { UnprocessedItems } = await this.db.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
          );
          requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        } catch (error) {
          translateAwsError(error, 'the audit trail');
        }
      }
    }
  }

  async page(query: AuditQuery): Promise<{ items: AuditRecord[]; next: string | null }> {
    const items: AuditRecord[] = [];
    let reads = 0;
    const from = query.after ?? null;
    for (const day of daysBetween(from ? from.slice(0, 24) : query.since, query.until)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.query(day, query, from, startKey, query.maxReads - reads);
        for (const item of page.Items ?? []) {
          const { PK: _pk, SK: sk, ...record } = item;
          // BETWEEN takes its bounds in: the record a previous page ended on is not this page's.
          if (sk === from) continue;
          reads++;
          if (query.keep(record as AuditRecord)) items.push(record as AuditRecord);
          const full = items.length >= query.limit || reads >= query.maxReads;
          if (full) return { items, next: String(sk) };
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    return { items, next: null };
  }

  /** One Query of one day's records in the window, after `from`. */
  private async query(
    day: string,
    query: AuditQuery,
    from: string | null,
    startKey: Record<string, unknown> | undefined,
    limit: number,
  ) {
    const lower = from !== null && from > query.since ? from : query.since;
    try {
      return await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lower AND :upper',
          ExpressionAttributeValues: { ':pk': auditDayKey(day), ':lower': lower, ':upper': query.until },
          Limit: limit,
          ExclusiveStartKey: startKey,
        }),
      );
    } catch (error) {
      return translateAwsError(error, 'the audit trail');
    }
  }
}

/**
 * A sweep of N due grants among many stored requests: how many items it reads (only due ones, through indexes)
 * and how long it takes against N / BROKER_LAMBDA_RPS (each expiry costs one RemovePermission).
 */
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toItem } from '../adapters/dynamodb/request-store';
import type { GrantRequest, RequestStatus } from '../domain/model/request';
import { loadConfig } from '../handlers/config';
import { ADMIN, REQUESTER, who } from '../tests/support/fixtures';
import type { BenchAws } from './bench-aws';
import { benchBroker } from './bench-broker';

/** A stored request like `template`, with id number `i`, created an hour ago (ACTIVE ones expire tomorrow). */
export function fakeRequest(i: number, status: RequestStatus, now: Date, template: GrantRequest): GrantRequest {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const at = new Date(now.getTime() - 3_600_000 + i).toISOString();
  return {
    ...template,
    id,
    status,
    statementId: `lpb-${id}`,
    createdAt: at,
    updatedAt: at,
    activatedAt: status === 'ACTIVE' ? at : null,
    // Background ACTIVE grants expire tomorrow: stored, not due.
    expiresAt: status === 'ACTIVE' ? new Date(now.getTime() + 86_400_000).toISOString() : null,
  };
}

/** Stores requests straight into the table, 25 at a time. */
export async function writeRequests(doc: DynamoDBDocumentClient, table: string, items: GrantRequest[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [table]: items.slice(i, i + 25).map((r) => ({ PutRequest: { Item: toItem(r) } })) },
      }),
    );
  }
}

export async function measureSweep(aws: BenchAws, stored: number, dueCounts: number[], rps: number) {
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: aws.endpoint,
    BROKER_TABLE_NAME: `${aws.table}-sweep-${stored}`,
    // The bench asks many times as one requester.
    BROKER_MAX_PENDING_PER_REQUESTER: '1000',
    BROKER_ADMINS: ADMIN,
    BROKER_LAMBDA_RPS: String(rps),
  });
  const { app, doc } = await benchBroker(aws, config);
  const { request: template } = await app.createRequest({
    caller: who(REQUESTER),
    ask: {
      functionName: 'order-processor',
      principal: '987654321098',
      durationSeconds: 3600,
      reason: 'bench sweep template',
    },
    dryRun: true,
    idempotencyKey: null,
  });
  const now = new Date();
  const statuses: RequestStatus[] = ['EXPIRED', 'REJECTED', 'REVOKED', 'CANCELLED', 'ACTIVE', 'PENDING'];
  const write = (items: GrantRequest[]) => writeRequests(doc, config.BROKER_TABLE_NAME, items);
  await write(
    Array.from({ length: stored }, (_, i) =>
      fakeRequest(i + 1, statuses[i % statuses.length] as RequestStatus, now, template),
    ),
  );

  const rows = [];
  let next = stored + 1;
  for (const due of dueCounts) {
    const dueItems = Array.from({ length: due }, (_, i) => {
      const r = fakeRequest(next + i, 'ACTIVE', now, template);
      return { ...r, expiresAt: new Date(now.getTime() - 60_000).toISOString() };
    });
    next += due;
    await write(dueItems);
    const started = performance.now();
    const report = await app.sweep();
    const seconds = (performance.now() - started) / 1000;
    rows.push({
      stored: next - 1,
      due,
      expired: report.expired,
      itemsRead: report.itemsRead,
      seconds,
      floorSeconds: due / rps,
    });
  }
  return rows;
}

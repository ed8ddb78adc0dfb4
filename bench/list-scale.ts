/**
 * Filtered lists over 10,000 stored requests (docs/api.md, Details worth knowing): one GET /v1/requests reads at most
 * 1,000 items whatever its filters, so even a filter that matches nothing answers quickly (with a nextToken where it
 * stopped). Timed through the use case against moto's DynamoDB: the requester's own list with a filter no request
 * matches, and an admin's list by status and function.
 */
import type { GrantRequest, RequestStatus } from '../domain/model/request';
import { loadConfig } from '../handlers/config';
import { ADMIN, REQUESTER, who } from '../tests/support/fixtures';
import type { BenchAws } from './bench-aws';
import { benchBroker } from './bench-broker';
import { percentile } from './stats';
import { fakeRequest, writeRequests } from './sweep-scale';

export interface ListFigure {
  query: string;
  p50: number;
  p99: number;
  samples: number;
  /** Items the last answer held, and whether it said where to go on. */
  items: number;
  more: boolean;
}

export async function measureFilteredLists(aws: BenchAws, stored: number, samples: number): Promise<ListFigure[]> {
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: aws.endpoint,
    BROKER_TABLE_NAME: `${aws.table}-list-${stored}`,
    BROKER_ADMINS: ADMIN,
  });
  const { app, doc } = await benchBroker(aws, config);
  const { request: template } = await app.createRequest({
    caller: who(REQUESTER),
    ask: { functionName: 'order-processor', principal: '987654321098', durationSeconds: 3600, reason: 'bench list' },
    dryRun: true,
    idempotencyKey: null,
  });
  const statuses: RequestStatus[] = ['EXPIRED', 'REJECTED', 'REVOKED', 'CANCELLED', 'ACTIVE', 'PENDING'];
  const now = new Date();
  const items: GrantRequest[] = Array.from({ length: stored }, (_, i) =>
    fakeRequest(i + 1, statuses[i % statuses.length] as RequestStatus, now, template),
  );
  await writeRequests(doc, config.BROKER_TABLE_NAME, items);

  const queries: { query: string; caller: string; status: RequestStatus | null; functionName: string | null }[] = [
    // The requester's own, filtered to a function none of them is on: the worst case, nothing matches.
    {
      query: 'requester: ?functionName=order-auditor&limit=1',
      caller: REQUESTER,
      status: null,
      functionName: 'order-auditor',
    },
    {
      query: 'admin: ?status=ACTIVE&functionName=order-processor&limit=1',
      caller: ADMIN,
      status: 'ACTIVE',
      functionName: 'order-processor',
    },
    {
      query: 'admin: ?status=PENDING&functionName=order-auditor&limit=1',
      caller: ADMIN,
      status: 'PENDING',
      functionName: 'order-auditor',
    },
  ];
  const figures: ListFigure[] = [];
  for (const q of queries) {
    const times: number[] = [];
    let last = { items: [] as GrantRequest[], nextToken: null as string | null };
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      last = await app.listRequests({
        caller: who(q.caller),
        status: q.status,
        functionName: q.functionName,
        limit: 1,
        nextToken: null,
      });
      times.push(performance.now() - started);
    }
    figures.push({
      query: q.query,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      samples,
      items: last.items.length,
      more: last.nextToken !== null,
    });
  }
  return figures;
}

/**
 * Each stored change schedules its work once (issue #20, point 4; docs/api.md, Answers, and the work behind them),
 * however often the table's stream delivers its record: against moto's DynamoDB stream and SQS work queue, the stream
 * function's own code handed the same records three times (what Lambda does after a failure later in a batch) queues
 * one apply and one expiry timer.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ensureQueues } from '../../adapters/sqs/ensure-queues';
import { processStreamRecords } from '../../handlers/events/process-stream';
import { buildApp, createAwsClients } from '../../handlers/app';
import { loadConfig } from '../../handlers/config';
import { createFunction, freshMoto, motoEndpoint, settleNow, type testClients } from '../support/aws';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../support/fixtures';

const TABLE = 'stream-once-broker';

/** Every record the table's stream holds, from its start. */
async function allRecords(clients: ReturnType<typeof testClients>): Promise<_Record[]> {
  const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  const { Table } = await clients.dynamo.send(new DescribeTableCommand({ TableName: TABLE }));
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table?.LatestStreamArn }));
  let { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: Table?.LatestStreamArn,
      ShardId: StreamDescription?.Shards?.[0]?.ShardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const records: _Record[] = [];
  for (;;) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 1000 }));
    records.push(...(page.Records ?? []));
    if ((page.Records ?? []).length === 0) return records;
    ShardIterator = page.NextShardIterator;
  }
}

it('a stream record delivered three times starts one timer chain', async () => {
  const clients = await freshMoto(TABLE);
  const queues = await ensureQueues(clients.sqs, TABLE);
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: TABLE,
    BROKER_ADMINS: ADMIN,
    BROKER_WORK_QUEUE_URL: queues.workQueueUrl,
  });
  const app = await buildApp(config, createAwsClients(config), { sleep: () => Promise.resolve() });
  await createFunction(clients, 'order-processor');
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
  const { request } = await app.createRequest({
    caller: who(REQUESTER),
    ask: { ...baseAsk, ...PRINCIPAL_CASES[5].ask },
    dryRun: false,
    idempotencyKey: null,
  });
  await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
  expect((await settleNow(app, request.id)).status).toBe('ACTIVE');

  const records = await allRecords(clients);
  for (let delivery = 0; delivery < 3; delivery++) {
    const result = await processStreamRecords(app, records);
    expect({ failedAt: result.failedAt, error: result.error }).toEqual({ failedAt: null, error: undefined });
  }
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queues.workQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
    }),
  );
  // The grant's expiry timer (delayed until its end comes near): once.
  expect(Number(Attributes?.ApproximateNumberOfMessagesDelayed)).toBe(1);
  // Due now: the entry's re-check (its put) and the approval's apply, once each.
  const { Messages = [] } = await clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queues.workQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  const due = Messages.map((m) => JSON.parse(m.Body ?? '{}') as { kind: string; requestId?: string; entryId?: string });
  expect(due.map((w) => `${w.kind}:${w.requestId ?? w.entryId}`).sort()).toEqual([
    `now:${request.id}`,
    'recheck:orders',
  ]);
});

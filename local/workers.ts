/**
 * Everything that runs behind the answers, started the way Lambda would run it when deployed: the table's stream
 * reader, the work queue's consumer and the Slack notification queue's consumer, all on the emulator; with a bus
 * configured, a second reader of the stream publishes audit events (its own lease and checkpoint, like the deployed
 * audit function's own mapping).
 */
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { App, AwsClients } from '../handlers/app';
import type { BrokerConfig } from '../handlers/config';
import { processNotifyMessages, processWorkMessages } from '../handlers/events/process-queues';
import { processAuditRecords } from '../handlers/events/process-audit';
import { processStreamRecords } from '../handlers/events/process-stream';
import { startQueuePoller } from './queue-poller';
import { startStreamReader } from './stream-reader';

/** How long a stopping runner waits for the work in its hands. */
const STOP_GRACE_MS = 3_000;

export interface Workers {
  stop(): Promise<void>;
}

export function startWorkers(
  app: App,
  clients: AwsClients,
  config: BrokerConfig & { BROKER_WORK_QUEUE_URL: string },
  say: (line: string) => void,
): Workers {
  const streams = new DynamoDBStreamsClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  });
  const holder = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const reader = {
    dynamo: clients.dynamo,
    streams,
    db: DynamoDBDocumentClient.from(clients.dynamo),
    tableName: config.BROKER_TABLE_NAME,
    holder,
    say,
  };
  const parts = [
    startStreamReader({ ...reader, process: (records) => processStreamRecords(app, records) }),
    startQueuePoller({
      sqs: clients.sqs,
      queueUrl: config.BROKER_WORK_QUEUE_URL,
      loops: 2,
      process: (messages) => processWorkMessages(app, messages),
      say,
    }),
  ];
  if (config.BROKER_EVENT_BUS) {
    parts.push(
      startStreamReader({
        ...reader,
        consumer: 'audit',
        // Like the deployed audit mapping (no retry limit): audit events wait for the bus, they are never skipped.
        maxAttempts: Number.POSITIVE_INFINITY,
        // Events are due within 5 s, not 250 ms: a slower poll leaves the emulator's one lock to the grant work.
        idlePollMs: 1_000,
        process: (records) => processAuditRecords(app, records),
      }),
    );
  }
  if (config.BROKER_NOTIFY_QUEUE_URL) {
    parts.push(
      startQueuePoller({
        sqs: clients.sqs,
        queueUrl: config.BROKER_NOTIFY_QUEUE_URL,
        loops: 2,
        process: (messages) => processNotifyMessages(app, messages),
        say,
      }),
    );
  }
  return {
    async stop() {
      // Work in flight gets a moment to finish; what does not is delivered again later (to another runner, or to
      // this one when it starts again), as Lambda would after a timeout.
      await Promise.race([
        Promise.all(parts.map((p) => p.stop())),
        new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref()),
      ]);
      streams.destroy();
    },
  };
}

/**
 * Everything that runs behind the answers, started the way Lambda would run it when deployed: the table's stream
 * reader, the work queue's consumer and the Slack notification queue's consumer, all on the emulator.
 */
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { App, AwsClients } from '../handlers/app';
import type { BrokerConfig } from '../handlers/config';
import { processNotifyMessages, processWorkMessages } from '../handlers/events/process-queues';
import { processStreamRecords } from '../handlers/events/process-stream';
import { startQueuePoller } from './queue-poller';
import { startStreamReader } from './stream-reader';

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
  const parts = [
    startStreamReader({
      dynamo: clients.dynamo,
      streams,
      db: DynamoDBDocumentClient.from(clients.dynamo),
      tableName: config.BROKER_TABLE_NAME,
      holder: `${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      process: (records) => processStreamRecords(app, records),
      say,
    }),
    startQueuePoller({
      sqs: clients.sqs,
      queueUrl: config.BROKER_WORK_QUEUE_URL,
      loops: 4,
      process: (messages) => processWorkMessages(app, messages),
      say,
    }),
  ];
  if (config.BROKER_NOTIFY_QUEUE_URL) {
    parts.push(
      startQueuePoller({
        sqs: clients.sqs,
        queueUrl: config.BROKER_NOTIFY_QUEUE_URL,
        loops: 4,
        process: (messages) => processNotifyMessages(app, messages),
        say,
      }),
    );
  }
  return {
    async stop() {
      await Promise.all(parts.map((p) => p.stop()));
      streams.destroy();
    },
  };
}

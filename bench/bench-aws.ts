/** The emulator the benchmarks run against: a private moto_server with the table, a function and a queue. */
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ensureTable } from '../adapters/dynamodb/ensure-table';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startMoto, type MotoServer } from '../local/moto';
import { createFunction, testClients } from '../tests/support/aws';

export interface BenchAws {
  endpoint: string;
  table: string;
  queueArn: string;
  moto: MotoServer;
}

export async function startBenchAws(): Promise<BenchAws> {
  const moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const table = 'bench-broker';
  await ensureTable(new DynamoDBClient({ region: 'us-east-1', endpoint: moto.endpoint }), table);
  await createFunction(testClients(), 'order-processor');
  await new SQSClient({ region: 'us-east-1', endpoint: moto.endpoint }).send(
    new CreateQueueCommand({ QueueName: 'order-queue' }),
  );
  return { endpoint: moto.endpoint, table, queueArn: 'arn:aws:sqs:us-east-1:123456789012:order-queue', moto };
}

/** A broker on the bench's moto, on a table of its own with the orders entry, and a document client on that table. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../adapters/dynamodb/ensure-table';
import { buildApp, createAwsClients } from '../handlers/app';
import type { loadConfig } from '../handlers/config';
import { ADMIN, openEntry, who } from '../tests/support/fixtures';
import type { BenchAws } from './bench-aws';

export async function benchBroker(aws: BenchAws, config: ReturnType<typeof loadConfig>) {
  const dynamo = new DynamoDBClient({ region: 'us-east-1', endpoint: aws.endpoint });
  await ensureTable(dynamo, config.BROKER_TABLE_NAME);
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const app = await buildApp(config, createAwsClients(config));
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
  return { app, doc };
}

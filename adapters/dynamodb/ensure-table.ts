/** Creates the broker table from its schema when missing (local runner and tests; deployed stacks use CloudFormation). */
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { awsErrorName } from '../aws/aws-errors';
import schema from './table-schema.json';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'existed'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'existed';
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
  }
  const { TimeToLiveAttribute, ...definition } = schema;
  // The JSON is also the CloudFormation table definition (deploy/resources.cjs): one source for both.
  await client.send(
    new CreateTableCommand({ TableName: tableName, ...(definition as Omit<CreateTableCommandInput, 'TableName'>) }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TimeToLiveAttribute, Enabled: true },
    }),
  );
  return 'created';
}

/**
 * Creates the broker table from its schema when missing, and turns its stream on when an older table lacks it (local
 * runner and tests; deployed stacks use CloudFormation).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { awsErrorName } from '../aws/aws-errors';
import schema from './table-schema.json';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'existed'> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.StreamSpecification?.StreamEnabled) {
      const { StreamViewType } = schema.StreamSpecification as { StreamViewType: 'NEW_AND_OLD_IMAGES' };
      await client.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType } }),
      );
    }
    return 'existed';
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
  }
  const { TimeToLiveAttribute, ...definition } = schema;
  // The JSON is also the CloudFormation table definition (deploy/resources.js): one source for both.
  try {
    await client.send(
      new CreateTableCommand({ TableName: tableName, ...(definition as Omit<CreateTableCommandInput, 'TableName'>) }),
    );
  } catch (error) {
    // Another runner started at the same moment created it first.
    if (awsErrorName(error) !== 'ResourceInUseException') throw error;
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 }, { TableName: tableName });
    return 'existed';
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TimeToLiveAttribute, Enabled: true },
    }),
  );
  return 'created';
}

/** One cheap call to each service the tests use, so that moto has loaded its backends before any test runs. */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { SQSClient, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export async function warmUp(endpoint: string): Promise<void> {
  const options = {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  await Promise.all([
    new DynamoDBClient(options).send(new ListTablesCommand({})),
    new LambdaClient(options).send(new ListFunctionsCommand({})),
    new IAMClient(options).send(new ListRolesCommand({})),
    new STSClient(options).send(new GetCallerIdentityCommand({})),
    new SQSClient(options).send(new ListQueuesCommand({})),
    new SSMClient(options).send(new DescribeParametersCommand({})),
    new KMSClient(options).send(new ListKeysCommand({})),
    new KinesisClient({ ...options, requestHandler: new NodeHttpHandler() }).send(new ListStreamsCommand({})),
  ]);
}

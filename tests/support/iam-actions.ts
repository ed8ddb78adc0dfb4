/**
 * The IAM action an SDK call needs, as the least-privilege and spoke-privilege tests record them: the client's
 * service prefix and the command's name, except where IAM authorises a call under another action's name.
 */
const PREFIX: Record<string, string> = {
  LambdaClient: 'lambda',
  DynamoDBClient: 'dynamodb',
  IAMClient: 'iam',
  STSClient: 'sts',
  SSMClient: 'ssm',
  SQSClient: 'sqs',
  KMSClient: 'kms',
  KinesisClient: 'kinesis',
  SNSClient: 'sns',
  S3Client: 's3',
  EventBridgeClient: 'events',
  DynamoDBStreamsClient: 'dynamodb',
  APIGatewayClient: 'apigateway',
  ApiGatewayV2Client: 'apigateway',
  AccessAnalyzerClient: 'access-analyzer',
  IdentitystoreClient: 'identitystore',
};

/** Calls IAM authorises under another action's name. */
const ACTION_OF: Record<string, string> = {
  's3:HeadBucket': 's3:ListBucket',
  'apigateway:GetRestApi': 'apigateway:GET',
  'apigateway:GetApi': 'apigateway:GET',
};

/** `operation`: the command's name without `Command` (or one write of a transaction, e.g. PutItem). */
export function iamActionOf(clientName: string, operation: string): string {
  const called = `${PREFIX[clientName] ?? clientName}:${operation}`;
  return ACTION_OF[called] ?? called;
}

/** Calls that need a second action for a parameter they carry (tag on create: lambda:TagResource). */
const IMPLIED: Record<string, (input: Record<string, unknown>) => string | null> = {
  'lambda:CreateEventSourceMapping': (input) => (input.Tags ? 'lambda:TagResource' : null),
};

/** The second action `action` needs for what its input carries, if any. */
export function impliedActionOf(action: string, input: Record<string, unknown>): string | null {
  return IMPLIED[action]?.(input) ?? null;
}

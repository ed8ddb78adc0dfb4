/** AWS helpers for integration and e2e tests: real SDK clients over real sockets to the run's moto_server. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetPolicyCommand,
  LambdaClient,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SNSClient } from '@aws-sdk/client-sns';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../adapters/dynamodb/ensure-table';
import { buildApp, createAwsClients, type App } from '../../handlers/app';
import { loadConfig } from '../../handlers/config';
import type { GrantRequest } from '../../domain/model/request';
import { ADMIN, APPROVER, who } from './fixtures';
import { resetMoto } from '../../local/moto';
import { zipOneFile } from '../../local/demo-zip';

export function motoEndpoint(): string {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint?.startsWith('http://127.0.0.1:')) throw new Error('tests must run against the local moto_server');
  return endpoint;
}

/** moto's default account, the broker's own in every test. */
export const BROKER_ACCOUNT = '123456789012';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

/**
 * SDK clients for the run's moto_server (or another emulator the test started itself), acting in moto's default
 * account, or (with credentials of a role there) in another one.
 */
export function testClients(
  endpoint = motoEndpoint(),
  inAccount: { account: string; credentials?: Credentials } = { account: BROKER_ACCOUNT },
) {
  const common = {
    region: 'us-east-1',
    endpoint,
    ...(inAccount.credentials ? { credentials: inAccount.credentials } : {}),
  };
  const dynamo = new DynamoDBClient(common);
  return {
    account: inAccount.account,
    dynamo,
    doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    lambda: new LambdaClient(common),
    iam: new IAMClient(common),
    sqs: new SQSClient(common),
    sts: new STSClient(common),
    kms: new KMSClient(common),
    sns: new SNSClient(common),
    // HTTP/1.1: the Kinesis client speaks HTTP/2 by default, which moto does not.
    kinesis: new KinesisClient({ ...common, requestHandler: new NodeHttpHandler() }),
  };
}

/**
 * Clients acting in another account, as a team there would use them: moto's AssumeRole into any role of an account
 * returns credentials that act in it (the role need not exist).
 */
export async function clientsInAccount(account: string): Promise<ReturnType<typeof testClients>> {
  const { Credentials: c } = await testClients().sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/test-setup`, RoleSessionName: 'test-setup' }),
  );
  return testClients(motoEndpoint(), {
    account,
    credentials: {
      accessKeyId: c?.AccessKeyId as string,
      secretAccessKey: c?.SecretAccessKey as string,
      sessionToken: c?.SessionToken as string,
    },
  });
}

/** A queue in moto's SQS (moto's CreateEventSourceMapping wants the queue to exist); returns its ARN. */
export async function createQueue(
  clients: ReturnType<typeof testClients>,
  name: string,
  attributes: Record<string, string> = {},
): Promise<string> {
  await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return `arn:aws:sqs:us-east-1:${clients.account}:${name}`;
}

/** The statements of a function's resource policy (empty when it has none). */
export async function policyStatements(
  clients: ReturnType<typeof testClients>,
  functionName: string,
): Promise<Record<string, unknown>[]> {
  try {
    const { Policy } = await clients.lambda.send(new GetPolicyCommand({ FunctionName: functionName }));
    return (JSON.parse(Policy ?? '{}') as { Statement?: Record<string, unknown>[] }).Statement ?? [];
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return [];
    throw error;
  }
}

/**
 * Test oracle, written independently of the broker's own comparison: moto stores account and ARN principals as raw
 * strings where AWS stores {"AWS": …}; bring both to AWS's form.
 */
export function asAwsStores(statement: Record<string, unknown>): Record<string, unknown> {
  const p = statement.Principal;
  const principal = typeof p === 'string' && p !== '*' ? { AWS: /^\d{12}$/.test(p) ? `arn:aws:iam::${p}:root` : p } : p;
  const { Sid, Effect, Action, Resource, Condition } = statement;
  return { Sid, Effect, Principal: principal, Action, Resource, ...(Condition ? { Condition } : {}) };
}

/** Forgets everything moto holds, then creates a fresh broker table. */
export async function freshMoto(tableName = 'lambda-permission-broker'): Promise<ReturnType<typeof testClients>> {
  await resetMoto(motoEndpoint());
  roleArns.clear();
  const clients = testClients();
  await ensureTable(clients.dynamo, tableName);
  return clients;
}

/** One execution role per account, made on the first function there. */
const roleArns = new Map<string, string>();

export async function createFunction(
  clients: ReturnType<typeof testClients>,
  name: string,
  options: { alias?: string; freshRole?: boolean } = {},
): Promise<string> {
  let roleArn = roleArns.get(clients.account);
  if (!roleArn || options.freshRole) {
    const { Role } = await clients.iam.send(
      new CreateRoleCommand({
        RoleName: `exec-${Date.now()}`,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    roleArn = Role?.Arn ?? '';
    roleArns.set(clients.account, roleArn);
  }
  const { FunctionArn } = await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: zipOneFile('index.js', 'exports.handler = async () => 1;\n') },
    }),
  );
  if (options.alias) {
    const { Version } = await clients.lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await clients.lambda.send(
      new CreateAliasCommand({ FunctionName: name, Name: options.alias, FunctionVersion: Version }),
    );
  }
  return FunctionArn as string;
}

/** The broker wired to the run's moto over real sockets, on a fresh table (optionally a fixed clock, instant retries). */
export async function motoApp(
  table: string,
  env: Record<string, string> = {},
  overrides: Parameters<typeof buildApp>[2] = {},
): Promise<{ app: App; clients: ReturnType<typeof testClients> }> {
  const clients = await freshMoto(table);
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: table,
    BROKER_ADMINS: ADMIN,
    ...env,
  });
  return { app: await buildApp(config, createAwsClients(config), overrides), clients };
}

/** The work behind an answer, done now: settles the request (applies or removes its grant); the request as stored. */
export async function settleNow(app: App, id: string): Promise<GrantRequest> {
  const outcome = await app.settle.settleWithin(id, 20_000);
  const stored = outcome.request ?? (await app.getRequest(who(ADMIN), id));
  return stored;
}

/** An approval followed by its work, as the REST answer and the queue would do it. */
export async function approveNow(app: App, id: string, approver = APPROVER): Promise<GrantRequest> {
  const decided = await app.decide.approve({ approver: who(approver), id, comment: null });
  return decided.status === 'APPROVED' ? settleNow(app, id) : decided;
}

/** Makes `userName` a member of the group `displayName` in the emulator's identity store (both made when missing). */
export async function addGroupMember(
  endpoint: string,
  identityStoreId: string,
  displayName: string,
  userName: string,
): Promise<{ membershipId: string }> {
  const store = new IdentitystoreClient({ region: 'us-east-1', endpoint });
  const idOf = async (kind: 'user' | 'group', attribute: string, value: string) => {
    const input = {
      IdentityStoreId: identityStoreId,
      AlternateIdentifier: { UniqueAttribute: { AttributePath: attribute, AttributeValue: value } },
    };
    try {
      return kind === 'user'
        ? (await store.send(new GetUserIdCommand(input))).UserId
        : (await store.send(new GetGroupIdCommand(input))).GroupId;
    } catch {
      return undefined;
    }
  };
  const userId =
    (await idOf('user', 'userName', userName)) ??
    (
      await store.send(
        new CreateUserCommand({
          IdentityStoreId: identityStoreId,
          UserName: userName,
          DisplayName: userName,
          Name: { GivenName: userName, FamilyName: 'Example' },
        }),
      )
    ).UserId;
  const groupId =
    (await idOf('group', 'displayName', displayName)) ??
    (await store.send(new CreateGroupCommand({ IdentityStoreId: identityStoreId, DisplayName: displayName }))).GroupId;
  const { MembershipId } = await store.send(
    new CreateGroupMembershipCommand({
      IdentityStoreId: identityStoreId,
      GroupId: groupId,
      MemberId: { UserId: userId as string },
    }),
  );
  return { membershipId: MembershipId as string };
}

/**
 * Demo data for the local runner's own emulator: an execution role, two functions and one allowlist entry in the
 * broker's account, and a spoke account with a function of its own and an entry for it (API §11.7).
 */
import { identityOf } from '../domain/rulebook/identity';
import { CreateRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AllowlistEntryInput } from '../domain/model/allowlist-entry';
import { createSpokeClients, type App } from '../handlers/app';
import { zipOneFile } from './demo-zip';

export const DEMO_ADMIN = 'arn:aws:iam::123456789012:role/broker-admin';
export const DEMO_REQUESTER = 'arn:aws:iam::123456789012:role/orders-ci';
export const DEMO_APPROVER = 'arn:aws:iam::123456789012:role/platform-approver';
export const DEMO_FUNCTIONS = ['order-processor', 'order-auditor'] as const;
/** A second account the demo broker acts in through its spoke role; its function has the same name as the first. */
export const DEMO_SPOKE_ACCOUNT = '222222222222';
/** moto's default account (the broker's) and the demo spoke: BROKER_TARGET_ACCOUNTS when the runner seeds. */
export const DEMO_TARGET_ACCOUNTS = `123456789012,${DEMO_SPOKE_ACCOUNT}`;

export function demoEntry(accountId: string, region: string): AllowlistEntryInput {
  return {
    description: `demo: orders team event sources in account ${accountId}`,
    functions: [`arn:aws:lambda:${region}:${accountId}:function:order-*`],
    principals: ['sns.amazonaws.com', 'events.amazonaws.com', 's3.amazonaws.com', 'apigateway.amazonaws.com'],
    sourceArns: [
      `arn:aws:sns:${region}:${accountId}:orders-*`,
      `arn:aws:events:${region}:${accountId}:rule/orders-*`,
      'arn:aws:s3:::orders-*',
      `arn:aws:execute-api:${region}:${accountId}:*`,
    ],
    eventSourceArns: [`arn:aws:sqs:${region}:${accountId}:order-*`],
    principalOrgIds: [],
    sourceAccounts: null,
    requesters: ['arn:aws:iam::123456789012:role/orders-*'],
    approvers: [DEMO_APPROVER],
    requiredApprovals: 1,
    maxDurationSeconds: 86400,
    autoApprove: false,
    slackChannel: null,
  };
}

/** An execution role and the named functions, in the account the clients act in. */
async function createDemoFunctions(
  clients: { lambda: LambdaClient; iam: IAMClient },
  names: readonly string[],
): Promise<void> {
  const { Role } = await clients.iam.send(
    new CreateRoleCommand({
      RoleName: 'order-functions-execution',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const zip = zipOneFile('index.js', 'exports.handler = async () => ({ ok: true });\n');
  for (const name of names) {
    await clients.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs22.x',
        Role: Role?.Arn,
        Handler: 'index.handler',
        Code: { ZipFile: zip },
      }),
    );
  }
}

export async function seedDemo(
  app: App,
  clients: { lambda: LambdaClient; iam: IAMClient; sts: STSClient },
): Promise<void> {
  await createDemoFunctions(clients, DEMO_FUNCTIONS);
  const { accountId, region } = app.settings;
  await app.allowlist.put(identityOf(DEMO_ADMIN, app.settings), 'orders', demoEntry(accountId, region));

  // The spoke's own team sets up its function; moto lets an AssumeRole into any role of an account act there (the
  // broker itself goes through BROKER_SPOKE_ROLE_NAME, which moto does not need to exist).
  const { Credentials: c } = await clients.sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${DEMO_SPOKE_ACCOUNT}:role/demo-setup`, RoleSessionName: 'demo' }),
  );
  const spoke = createSpokeClients(app.config, {
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken ?? '',
  });
  await createDemoFunctions(spoke, ['order-processor']);
  await app.allowlist.put(identityOf(DEMO_ADMIN, app.settings), 'orders-spoke', demoEntry(DEMO_SPOKE_ACCOUNT, region));
}

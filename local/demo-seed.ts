/**
 * Demo data for the local runner's own emulator: an execution role, two functions and one allowlist entry in the
 * broker's account; two IAM Identity Center permission sets (their roles under Identity Center's path) and an entry
 * for the people in them (README, People from IAM Identity Center); and a spoke account with a function of its own and
 * an entry for it (README, Many accounts).
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
/** The roles IAM Identity Center makes for two permission sets, as it names them and where it puts them. */
export const DEMO_IDENTITY_CENTER_PATH = '/aws-reserved/sso.amazonaws.com/';
export const DEMO_DEV_SET = 'AWSReservedSSO_OrdersDev_4f1a2b3c4d5e6f70';
export const DEMO_LEAD_SET = 'AWSReservedSSO_OrdersLead_8a9b0c1d2e3f4a5b';
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

/**
 * The entry for people: developers in the OrdersDev permission set may ask for order-auditor; anyone in OrdersLead
 * approves. Both are named with Identity Center's path, which only Identity Center can create roles under.
 */
export function demoPeopleEntry(accountId: string, region: string): AllowlistEntryInput {
  const permissionSet = (prefix: string) => `arn:aws:iam::${accountId}:role${DEMO_IDENTITY_CENTER_PATH}${prefix}_*`;
  return {
    ...demoEntry(accountId, region),
    description: `demo: people of the orders team (IAM Identity Center) in account ${accountId}`,
    functions: [`arn:aws:lambda:${region}:${accountId}:function:order-auditor`],
    requesters: [permissionSet('AWSReservedSSO_OrdersDev')],
    approvers: [permissionSet('AWSReservedSSO_OrdersLead')],
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
  const admin = identityOf(DEMO_ADMIN, app.settings);
  await app.allowlist.put(admin, 'orders', demoEntry(accountId, region));
  for (const RoleName of [DEMO_DEV_SET, DEMO_LEAD_SET]) {
    await clients.iam.send(
      new CreateRoleCommand({ RoleName, Path: DEMO_IDENTITY_CENTER_PATH, AssumeRolePolicyDocument: '{}' }),
    );
  }
  await app.allowlist.put(admin, 'orders-people', demoPeopleEntry(accountId, region));

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
  await app.allowlist.put(admin, 'orders-spoke', demoEntry(DEMO_SPOKE_ACCOUNT, region));
}

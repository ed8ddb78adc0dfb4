/** Demo data for the local runner's own emulator: an execution role, two functions and one allowlist entry. */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { AllowlistEntryInput } from '../domain/model/allowlist-entry';
import type { App } from '../handlers/app';
import { zipOneFile } from './demo-zip';

export const DEMO_ADMIN = 'arn:aws:iam::123456789012:role/broker-admin';
export const DEMO_REQUESTER = 'arn:aws:iam::123456789012:role/orders-ci';
export const DEMO_APPROVER = 'arn:aws:iam::123456789012:role/platform-approver';
export const DEMO_FUNCTIONS = ['order-processor', 'order-auditor'] as const;

export function demoEntry(accountId: string, region: string): AllowlistEntryInput {
  return {
    description: 'demo: orders team event sources',
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

export async function seedDemo(app: App, clients: { lambda: LambdaClient; iam: IAMClient }): Promise<void> {
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
  for (const name of DEMO_FUNCTIONS) {
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
  const { accountId, region } = app.settings;
  await app.allowlist.put(DEMO_ADMIN, 'orders', demoEntry(accountId, region));
}

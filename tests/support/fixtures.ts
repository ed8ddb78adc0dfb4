/** Shared test data: the broker's account, principals and an allowlist entry that permits every principal kind. */
import type { AllowlistEntryInput } from '../../domain/model/allowlist-entry';
import { DEFAULT_PERSON_ROLES, identityOf, type Identity } from '../../domain/rulebook/identity';
import type { BrokerSettings } from '../../domain/settings';

export const ACCOUNT = '123456789012';
export const OTHER_ACCOUNT = '987654321098';
export const REGION = 'us-east-1';
export const ADMIN = `arn:aws:iam::${ACCOUNT}:role/broker-admin`;
export const REQUESTER = `arn:aws:iam::${ACCOUNT}:role/orders-ci`;
export const APPROVER = `arn:aws:iam::${ACCOUNT}:role/platform-approver`;
export const STRANGER = `arn:aws:iam::${ACCOUNT}:role/stranger`;
export const ORG_ID = 'o-abcdefghij';

export const settings: BrokerSettings = {
  accountId: ACCOUNT,
  targetAccounts: [ACCOUNT],
  region: REGION,
  partition: 'aws',
  sidPrefix: 'lpb-',
  minDurationSeconds: 300,
  pendingTimeoutSeconds: 86400,
  maxPendingPerRequester: 20,
  lambdaRps: 10,
  admins: [ADMIN],
  personRoles: DEFAULT_PERSON_ROLES,
  identityLinks: {},
};

/** The caller an ARN (or `slack:<id>`) stands for, as the HTTP edge would build it (its role path not yet read). */
export const who = (arn: string, rules: Pick<BrokerSettings, 'personRoles' | 'identityLinks'> = settings): Identity =>
  identityOf(arn, rules);

export const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
/** A function's ARN in any account of the Region. */
export const fnArnIn = (account: string, name = 'order-processor') =>
  `arn:aws:lambda:${REGION}:${account}:function:${name}`;
/** Another account the broker may be told to act in, a function there, and the role it is reached through. */
export const SPOKE_ACCOUNT = '222222222222';
export const SPOKE_FUNCTION = fnArnIn(SPOKE_ACCOUNT, 'spoke-processor');
export const SPOKE_ROLE_NAME = 'lambda-permission-broker-spoke';

/** Every principal kind of the contract, each with the body fields it needs and the statement AWS stores. */
export const PRINCIPAL_CASES = [
  {
    name: 'API Gateway',
    ask: {
      principal: 'apigateway.amazonaws.com',
      sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5/prod/GET/orders`,
    },
    principal: { Service: 'apigateway.amazonaws.com' },
    condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5/prod/GET/orders` } },
  },
  {
    name: 'S3 with source account',
    ask: { principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads', sourceAccount: ACCOUNT },
    principal: { Service: 's3.amazonaws.com' },
    condition: {
      StringEquals: { 'AWS:SourceAccount': ACCOUNT },
      ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::orders-uploads' },
    },
  },
  {
    name: 'SNS',
    ask: { principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:orders-topic` },
    principal: { Service: 'sns.amazonaws.com' },
    condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:sns:${REGION}:${ACCOUNT}:orders-topic` } },
  },
  {
    name: 'EventBridge rule',
    ask: { principal: 'events.amazonaws.com', sourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/orders-nightly` },
    principal: { Service: 'events.amazonaws.com' },
    condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/orders-nightly` } },
  },
  {
    name: 'CloudWatch Logs',
    ask: { principal: 'logs.amazonaws.com', sourceArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:orders-app:*` },
    principal: { Service: 'logs.amazonaws.com' },
    condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:orders-app:*` } },
  },
  {
    name: 'account id',
    ask: { principal: OTHER_ACCOUNT },
    principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
    condition: undefined,
  },
  {
    name: 'IAM role ARN',
    ask: { principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/orders-reader` },
    principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/orders-reader` },
    condition: undefined,
  },
  {
    name: '* with an org id',
    ask: { principal: '*', principalOrgId: ORG_ID },
    principal: '*',
    condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
  },
] as const;

/** An entry that permits every case above but `*` for `order-*` functions. */
export function openEntry(overrides: Partial<AllowlistEntryInput> = {}): AllowlistEntryInput {
  return {
    description: 'orders team',
    functions: [fnArn('order-*')],
    principals: [
      'sns.amazonaws.com',
      'events.amazonaws.com',
      's3.amazonaws.com',
      'apigateway.amazonaws.com',
      'logs.amazonaws.com',
      OTHER_ACCOUNT,
      `arn:aws:iam::${OTHER_ACCOUNT}:role/*`,
    ],
    sourceArns: [
      `arn:aws:sns:${REGION}:${ACCOUNT}:orders-*`,
      `arn:aws:events:${REGION}:${ACCOUNT}:rule/orders-*`,
      'arn:aws:s3:::orders-*',
      `arn:aws:execute-api:${REGION}:${ACCOUNT}:*`,
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:orders-*`,
    ],
    eventSourceArns: [`arn:aws:sqs:${REGION}:${ACCOUNT}:order-*`],
    principalOrgIds: [ORG_ID],
    sourceAccounts: null,
    requesters: [`arn:aws:iam::${ACCOUNT}:role/orders-*`],
    approvers: [APPROVER, 'slack:U0123ABCD'],
    requiredApprovals: 1,
    maxDurationSeconds: 86400,
    autoApprove: false,
    slackChannel: null,
    ...overrides,
  };
}

/**
 * As a pattern `*` matches every principal, so an entry listing it allows any principal: org-wide grants get an
 * entry of their own (the floor still demands principalOrgId for the public principal).
 */
export function orgWideEntry(overrides: Partial<AllowlistEntryInput> = {}): AllowlistEntryInput {
  return openEntry({ principals: ['*'], sourceArns: [], principalOrgIds: [ORG_ID], ...overrides });
}

export const baseAsk = {
  functionName: 'order-processor',
  durationSeconds: 3600,
  reason: 'orders topic fan-out to the processor',
};

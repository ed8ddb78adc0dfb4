/**
 * The adapters in a spoke account, against moto through the fault proxy: the spoke role is assumed once per account
 * as the broker and renewed before it expires; a refused AssumeRole (STS AccessDenied, injected) makes every gateway
 * throw AccountUnreachableError for that account only, remembered for a while; an STS outage stays transient.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { AccountClients } from '../../adapters/aws/account-clients';
import { REFUSAL_MEMORY_MS, SPOKE_SESSION_NAME, SpokeRoleCredentials } from '../../adapters/aws/spoke-role-credentials';
import { IamExecutionRoleGateway } from '../../adapters/iam/execution-role-gateway';
import { LambdaEventSourceMappingGateway } from '../../adapters/lambda/event-source-mapping-gateway';
import { LambdaFunctionDirectory } from '../../adapters/lambda/function-directory';
import { LambdaResourcePolicyGateway } from '../../adapters/lambda/resource-policy-gateway';
import { AccountUnreachableError, UnavailableError } from '../../domain/errors';
import { createAwsClients, createSpokeClients } from '../../handlers/app';
import { loadConfig } from '../../handlers/config';
import { invokeStatement } from '../../policies/invoke-statement';
import { BROKER_ACCOUNT, clientsInAccount, createFunction, freshMoto, motoEndpoint } from '../support/aws';
import { FaultProxy, awsErrors, calls } from '../support/fault-proxy';
import { SPOKE_ACCOUNT, SPOKE_ROLE_NAME, fnArnIn as fnIn } from '../support/fixtures';

const SPOKE = SPOKE_ACCOUNT;
const REFUSING = '333333333333';
const UNTARGETED = '444444444444';
const ROLE = SPOKE_ROLE_NAME;

let proxy: FaultProxy;
let now: number;
let credentials: SpokeRoleCredentials;
let accounts: AccountClients;

beforeAll(async () => {
  await freshMoto('spoke-credentials');
  for (const account of [SPOKE, REFUSING]) await createFunction(await clientsInAccount(account), 'order-processor');
  proxy = new FaultProxy(motoEndpoint());
  await proxy.start();
});

afterAll(async () => {
  await proxy?.stop();
});

beforeEach(() => {
  proxy.clear();
  now = Date.now();
  const config = loadConfig({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: proxy.url });
  const hub = createAwsClients(config);
  credentials = new SpokeRoleCredentials(new STSClient({ region: 'us-east-1', endpoint: proxy.url, maxAttempts: 1 }), {
    partition: 'aws',
    roleName: ROLE,
    now: () => now,
  });
  accounts = new AccountClients({
    ownAccount: BROKER_ACCOUNT,
    targetAccounts: [BROKER_ACCOUNT, SPOKE, REFUSING],
    own: hub,
    spoke: (account) => createSpokeClients(config, credentials.provider(account)),
  });
});

const assumed = (account?: string) => proxy.seen.filter(calls.assumeRole(account));
const refuse = (account: string, times = 100) =>
  proxy.add({
    match: calls.assumeRole(account),
    times,
    mode: 'error',
    ...awsErrors.stsAccessDenied(`arn:aws:iam::${account}:role/${ROLE}`),
  });

it('assumes the spoke role once per account, as the broker, and acts in that account', async () => {
  const policies = new LambdaResourcePolicyGateway(accounts.lambda);
  const functions = new LambdaFunctionDirectory(accounts.lambda);
  expect(await functions.resolve(fnIn(SPOKE), null)).toEqual({
    functionArn: fnIn(SPOKE),
    roleArn: expect.stringMatching(new RegExp(`^arn:aws:iam::${SPOKE}:role/`)) as unknown,
  });
  expect(await functions.listArns(SPOKE)).toEqual([fnIn(SPOKE)]);
  expect(await policies.read({ functionName: fnIn(SPOKE), qualifier: null })).toBeNull();
  // The broker's own account has no such function: the call went to the spoke.
  expect(await functions.resolve(fnIn(BROKER_ACCOUNT), null)).toBeNull();

  const calls = assumed();
  expect(calls).toHaveLength(1);
  expect(calls[0]?.parameters.get('RoleArn')).toBe(`arn:aws:iam::${SPOKE}:role/${ROLE}`);
  expect(calls[0]?.parameters.get('RoleSessionName')).toBe(SPOKE_SESSION_NAME);
});

it('renews the credentials before they expire, not on every call', async () => {
  const first = await credentials.credentials(SPOKE);
  expect(await credentials.credentials(SPOKE)).toBe(first);
  expect(assumed(SPOKE)).toHaveLength(1);
  // Eleven minutes before expiry they are still used; nine minutes before, fresh ones are asked for.
  now = first.expiration.getTime() - 11 * 60_000;
  expect(await credentials.credentials(SPOKE)).toBe(first);
  now = first.expiration.getTime() - 9 * 60_000;
  expect(await credentials.credentials(SPOKE)).not.toBe(first);
  expect(assumed(SPOKE)).toHaveLength(2);
});

it('asks STS once for callers that need the same account at the same time', async () => {
  await Promise.all(Array.from({ length: 5 }, () => credentials.credentials(SPOKE)));
  expect(assumed(SPOKE)).toHaveLength(1);
});

describe('a spoke whose role cannot be assumed', () => {
  const target = { functionName: fnIn(REFUSING), qualifier: null };
  const role = `arn:aws:iam::${REFUSING}:role/exec`;
  const statement = invokeStatement({
    sid: 'lpb-x',
    functionArn: fnIn(REFUSING),
    qualifier: null,
    principal: '987654321098',
    sourceArn: null,
    sourceAccount: null,
    principalOrgId: null,
  });
  const spec = {
    functionName: fnIn(REFUSING),
    qualifier: null,
    eventSourceArn: 'arn:aws:sqs:us-east-1:1:q',
    batchSize: null,
  };

  it.each<[string, () => Promise<unknown>]>([
    ['GetPolicy', () => new LambdaResourcePolicyGateway(accounts.lambda).read(target)],
    ['AddPermission', () => new LambdaResourcePolicyGateway(accounts.lambda).add(target, statement, null)],
    ['RemovePermission', () => new LambdaResourcePolicyGateway(accounts.lambda).remove(target, 'lpb-x')],
    ['GetFunction', () => new LambdaFunctionDirectory(accounts.lambda).resolve(fnIn(REFUSING), null)],
    ['ListFunctions', () => new LambdaFunctionDirectory(accounts.lambda).listArns(REFUSING)],
    [
      'CreateEventSourceMapping',
      () => new LambdaEventSourceMappingGateway(accounts.lambda).create(spec, 'lpb-request'),
    ],
    ['ListEventSourceMappings', () => new LambdaEventSourceMappingGateway(accounts.lambda).find(spec)],
    [
      'DeleteEventSourceMapping',
      () => new LambdaEventSourceMappingGateway(accounts.lambda).delete('u', fnIn(REFUSING)),
    ],
    ['ListRolePolicies', () => new IamExecutionRoleGateway(accounts.iam).inlinePolicySize(role, 'p')],
    ['PutRolePolicy', () => new IamExecutionRoleGateway(accounts.iam).put(role, 'p', statement as never)],
    ['DeleteRolePolicy', () => new IamExecutionRoleGateway(accounts.iam).delete(role, 'p')],
  ])('%s throws AccountUnreachableError naming the account', async (_call, run) => {
    refuse(REFUSING);
    const error = await run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AccountUnreachableError);
    expect(error).toMatchObject({ accountId: REFUSING, message: expect.stringContaining(ROLE) as unknown });
  });

  it('is remembered for a while, then asked about again; other accounts are not affected', async () => {
    refuse(REFUSING);
    const policies = new LambdaResourcePolicyGateway(accounts.lambda);
    for (let i = 0; i < 3; i++) await expect(policies.read(target)).rejects.toThrow(AccountUnreachableError);
    expect(assumed(REFUSING)).toHaveLength(1);
    expect(await policies.read({ functionName: fnIn(SPOKE), qualifier: null })).toBeNull();

    now += REFUSAL_MEMORY_MS + 1;
    proxy.rules.length = 0;
    expect(await policies.read(target)).toBeNull();
    expect(assumed(REFUSING)).toHaveLength(2);
  });
});

it('treats an STS outage as transient, not as a refusal', async () => {
  proxy.add({
    match: calls.assumeRole(SPOKE),
    times: 1,
    mode: 'error',
    status: 503,
    headers: { 'content-type': 'text/xml' },
    body: '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>down</Message></Error></ErrorResponse>',
  });
  const policies = new LambdaResourcePolicyGateway(accounts.lambda);
  await expect(policies.read({ functionName: fnIn(SPOKE), qualifier: null })).rejects.toThrow(UnavailableError);
  // Not remembered: the next call asks again and works.
  expect(await policies.read({ functionName: fnIn(SPOKE), qualifier: null })).toBeNull();
});

it('gives no client for an account outside BROKER_TARGET_ACCOUNTS, and never asks STS for one', async () => {
  const error = await new LambdaFunctionDirectory(accounts.lambda).resolve(fnIn(UNTARGETED), null).catch((e) => e);
  expect(error).toBeInstanceOf(AccountUnreachableError);
  expect(error).toMatchObject({ accountId: UNTARGETED });
  expect(assumed()).toEqual([]);
});

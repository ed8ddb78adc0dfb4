/**
 * IAM's answers while the execution role's inline policies change under the broker, against moto through the fault
 * proxy: a policy deleted between ListRolePolicies and GetRolePolicy (another grant on the same role ending) counts as
 * nothing; only a role that is gone refuses the grant. Found by spoke-privilege.test.ts, where an apply and an expiry
 * on one role ran side by side.
 */
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { IamExecutionRoleGateway } from '../../adapters/iam/execution-role-gateway';
import { GrantRejectedError } from '../../domain/errors';
import { freshMoto, motoEndpoint, testClients } from '../support/aws';
import { FaultProxy, type CallInfo } from '../support/fault-proxy';

const ROLE = 'arn:aws:iam::123456789012:role/order-exec';
const DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
});
const noSuchEntity = (what: string) => ({
  status: 404,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>${what}</Message></Error></ErrorResponse>`,
});
const iamCall = (operation: string, policy?: string) => (c: CallInfo) =>
  c.operation === operation && (policy === undefined || c.parameters.get('PolicyName') === policy);

let proxy: FaultProxy;
let roles: IamExecutionRoleGateway;
let clients: ReturnType<typeof testClients>;

beforeAll(async () => {
  clients = await freshMoto('role-gateway');
  await clients.iam.send(new CreateRoleCommand({ RoleName: 'order-exec', AssumeRolePolicyDocument: '{}' }));
  for (const PolicyName of ['team-a', 'team-b']) {
    await clients.iam.send(new PutRolePolicyCommand({ RoleName: 'order-exec', PolicyName, PolicyDocument: DOCUMENT }));
  }
  proxy = new FaultProxy(motoEndpoint());
  await proxy.start();
  const iam = new IAMClient({ region: 'us-east-1', endpoint: proxy.url });
  roles = new IamExecutionRoleGateway(() => iam);
});

afterAll(async () => {
  await proxy?.stop();
});

beforeEach(() => proxy.clear());

it('counts a policy deleted between the listing and its read as nothing', async () => {
  const both = await roles.inlinePolicySize(ROLE, 'lpb-mine');
  proxy.add({
    match: iamCall('GetRolePolicy', 'team-b'),
    times: 1,
    mode: 'error',
    ...noSuchEntity('Policy Document team-b not attached to role order-exec'),
  });
  expect(await roles.inlinePolicySize(ROLE, 'lpb-mine')).toBe(both / 2);
});

it('refuses the grant when the role itself is gone', async () => {
  proxy.add({
    match: iamCall('ListRolePolicies'),
    times: 1,
    mode: 'error',
    ...noSuchEntity('The role with name order-exec cannot be found.'),
  });
  await expect(roles.inlinePolicySize(ROLE, 'lpb-mine')).rejects.toThrow(GrantRejectedError);
});

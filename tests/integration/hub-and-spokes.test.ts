/**
 * One broker for many accounts (docs/deploy.md, Many accounts (hub and spokes)), on moto over real sockets: a function
 * with the same name in the broker's account and in two spoke accounts, the spokes reached through their spoke role.
 * Grants land in the function's own account and leave it at the end; event source grants use that account's execution
 * role and mappings; another account is refused whatever the allowlist says; and a spoke whose role assumption is
 * refused (an STS AccessDenied from the fault proxy) holds up only its own requests and is reported by reconcile.
 */
import { ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { APPLY_GIVE_UP_MS } from '../../domain/use-cases/settle-request';
import { buildApp, createAwsClients, type App } from '../../handlers/app';
import { loadConfig } from '../../handlers/config';
import { OPERATIONS_BY_FUNCTION } from '../../handlers/http/all-operations';
import { apiHandler } from '../../handlers/http/api-handler';
import {
  BROKER_ACCOUNT,
  approveNow,
  clientsInAccount,
  createFunction,
  createQueue,
  freshMoto,
  motoEndpoint,
  policyStatements,
  settleNow,
  testClients,
} from '../support/aws';
import { FaultProxy, awsErrors, calls } from '../support/fault-proxy';
import {
  ADMIN,
  APPROVER,
  OTHER_ACCOUNT,
  REQUESTER,
  SPOKE_ACCOUNT,
  SPOKE_ROLE_NAME,
  baseAsk,
  fnArnIn as fnIn,
  openEntry,
  who,
} from '../support/fixtures';
import { FixedClock } from '../support/in-memory';
import { apiEvent, lambdaContext, newRequest } from '../support/in-memory-app';

jest.setTimeout(60_000);

const TABLE = 'spokes-broker';
const SPOKE = SPOKE_ACCOUNT;
const REFUSING = '333333333333';
const OUTSIDE = '444444444444';

let proxy: FaultProxy;
let clock: FixedClock;
let app: App;
let accounts: Record<string, ReturnType<typeof testClients>>;

/** A broker process on the shared table (a fresh one has no credentials cached yet). */
function broker(): Promise<App> {
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: proxy.url,
    BROKER_TABLE_NAME: TABLE,
    BROKER_ADMINS: ADMIN,
    BROKER_IDENTITY: 'header',
    BROKER_TARGET_ACCOUNTS: [BROKER_ACCOUNT, SPOKE, REFUSING].join(','),
  });
  return buildApp(config, createAwsClients(config), { clock, sleep: () => Promise.resolve() });
}

const refuseSpokeRole = (account: string) =>
  proxy.add({
    match: calls.assumeRole(account),
    times: 1000,
    mode: 'error',
    ...awsErrors.stsAccessDenied(`arn:aws:iam::${account}:role/${SPOKE_ROLE_NAME}`),
  });

beforeAll(async () => {
  proxy = new FaultProxy(motoEndpoint());
  await proxy.start();
});

afterAll(async () => {
  await proxy?.stop();
});

beforeEach(async () => {
  proxy.clear();
  clock = new FixedClock(new Date());
  const hub = await freshMoto(TABLE);
  accounts = {
    [BROKER_ACCOUNT]: hub,
    [SPOKE]: await clientsInAccount(SPOKE),
    [REFUSING]: await clientsInAccount(REFUSING),
  };
  for (const clients of Object.values(accounts)) await createFunction(clients, 'order-processor');
  app = await broker();
  // Any account's order functions; sources (no sourceAccounts) only of the account that owns the function.
  await app.allowlist.put(
    who(ADMIN),
    'orders',
    openEntry({
      functions: ['arn:aws:lambda:us-east-1:*:function:order-*'],
      sourceArns: ['arn:aws:sns:us-east-1:*:orders-*'],
      eventSourceArns: ['arn:aws:sqs:us-east-1:*:order-*'],
    }),
  );
});

const request = (ask: Record<string, unknown>) => newRequest(app, ask);
/** POST /v1/requests through the requests function's real handler. */
async function postRequest(ask: Record<string, unknown>) {
  const handler = apiHandler(OPERATIONS_BY_FUNCTION.requests, () => Promise.resolve(app));
  const event = apiEvent('POST', '/v1/requests', {
    body: { ...baseAsk, ...ask },
    headers: { 'X-Broker-Principal': REQUESTER },
  });
  const answer = await handler(event, lambdaContext);
  return { status: answer.statusCode, body: JSON.parse(answer.body) as { error: Record<string, unknown> } };
}
const storedRequests = async () =>
  (await app.listRequests({ caller: who(ADMIN), status: null, functionName: null, limit: 10, nextToken: null })).items;
const snsAsk = (account: string) => ({
  functionName: fnIn(account),
  principal: 'sns.amazonaws.com',
  sourceArn: `arn:aws:sns:us-east-1:${account}:orders-topic`,
});
const sidsIn = async (account: string) =>
  (await policyStatements(accounts[account]!, 'order-processor')).map((s) => s.Sid).sort();

it('puts a grant on a function in a spoke account there, and takes it away at expiry; the broker’s own is untouched', async () => {
  const active = await approveNow(app, (await request(snsAsk(SPOKE))).id);
  expect(active).toMatchObject({ status: 'ACTIVE', functionArn: fnIn(SPOKE) });
  expect(await sidsIn(SPOKE)).toEqual([active.statementId]);
  expect(await sidsIn(BROKER_ACCOUNT)).toEqual([]);
  // Only the spoke's role was assumed, as the broker.
  expect(proxy.seen.filter(calls.assumeRole()).map((c) => c.parameters.get('RoleArn'))).toEqual([
    `arn:aws:iam::${SPOKE}:role/${SPOKE_ROLE_NAME}`,
  ]);

  clock.advance(3601);
  expect((await settleNow(app, active.id)).status).toBe('EXPIRED');
  expect(await sidsIn(SPOKE)).toEqual([]);
});

it('refuses an account outside BROKER_TARGET_ACCOUNTS with 403 naming functionName, whatever the allowlist says', async () => {
  await createFunction(await clientsInAccount(OUTSIDE), 'order-processor');
  const answer = await postRequest(snsAsk(OUTSIDE));
  expect(answer).toMatchObject({
    status: 403,
    body: { error: { code: 'Forbidden', details: [{ path: 'functionName' }] } },
  });
  // Nothing stored, and the broker never even asked who could act there.
  expect(await storedRequests()).toEqual([]);
  expect(proxy.seen.filter(calls.assumeRole())).toEqual([]);
});

it('admits, without sourceAccounts, sources of the account that owns the function and not the broker’s', async () => {
  const fromHub = { ...snsAsk(SPOKE), sourceArn: `arn:aws:sns:us-east-1:${BROKER_ACCOUNT}:orders-topic` };
  await expect(request(fromHub)).rejects.toMatchObject({
    name: 'AllowlistDeniedError',
    details: [expect.objectContaining({ path: 'sourceAccount' })],
  });
  expect((await request(snsAsk(SPOKE))).status).toBe('PENDING');
});

it('grants an event source in a spoke account end to end: its execution role, its mapping, both gone at the end', async () => {
  const spoke = accounts[SPOKE]!;
  const queueArn = await createQueue(spoke, 'order-queue');
  const active = await approveNow(app, (await request({ functionName: fnIn(SPOKE), eventSourceArn: queueArn })).id);
  expect(active.status).toBe('ACTIVE');
  if (active.kind !== 'eventSourceMapping') throw new Error('expected an event source grant');
  expect(active.executionRoleArn).toMatch(new RegExp(`^arn:aws:iam::${SPOKE}:role/`));
  const roleName = active.executionRoleArn?.split('/').pop();
  const rolePolicies = async () =>
    (await spoke.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames;
  const mappings = async (clients: ReturnType<typeof testClients>) =>
    ((await clients.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []).map((m) => m.UUID);
  expect(await rolePolicies()).toEqual([active.statementId]);
  expect(await mappings(spoke)).toEqual([active.eventSourceMappingUuid]);
  expect(await mappings(accounts[BROKER_ACCOUNT]!)).toEqual([]);

  await app.revokeRequest(who(REQUESTER), active.id, 'done');
  expect((await settleNow(app, active.id)).status).toBe('REVOKED');
  expect(await rolePolicies()).toEqual([]);
  expect(await mappings(spoke)).toEqual([]);
});

describe('a spoke whose role cannot be assumed', () => {
  it('answers 503 to a new request on its functions, storing nothing', async () => {
    refuseSpokeRole(REFUSING);
    expect(await postRequest(snsAsk(REFUSING))).toMatchObject({
      status: 503,
      body: { error: { code: 'Unavailable', message: expect.stringContaining(`account ${REFUSING} is unreachable`) } },
    });
    expect(await storedRequests()).toEqual([]);
    expect((await request(snsAsk(SPOKE))).status).toBe('PENDING');
  });

  it('holds up only its own applies, which end FAILED with the reason after the give-up time', async () => {
    const stuck = await request(snsAsk(REFUSING));
    const fine = await request(snsAsk(SPOKE));
    for (const r of [stuck, fine]) await app.decide.approve({ approver: who(APPROVER), id: r.id, comment: null });

    // Another broker process, with nothing cached, while the spoke's role is refused.
    refuseSpokeRole(REFUSING);
    const refused = await broker();
    const first = await refused.sweep();
    expect(first).toMatchObject({ activated: 1, retryLater: 1, failed: 0 });
    expect(first.errors).toEqual([
      { requestId: stuck.id, error: expect.stringContaining(`account ${REFUSING} is unreachable`) as unknown },
    ]);
    expect((await app.getRequest(who(ADMIN), stuck.id)).status).toBe('APPROVED');
    expect((await app.getRequest(who(ADMIN), fine.id)).status).toBe('ACTIVE');

    clock.advance(APPLY_GIVE_UP_MS / 1000 + 1);
    const failed = await settleNow(refused, stuck.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.failure?.reason).toContain(`arn:aws:iam::${REFUSING}:role/${SPOKE_ROLE_NAME}`);
    expect(await sidsIn(REFUSING)).toEqual([]);
  });

  it('never gives up a removal: retried while refused, done once the role can be assumed again', async () => {
    const grants = [await request(snsAsk(REFUSING)), await request(snsAsk(SPOKE))];
    for (const r of grants) expect((await approveNow(app, r.id)).status).toBe('ACTIVE');
    const [stuck, fine] = grants as [(typeof grants)[0], (typeof grants)[0]];

    // Another broker process, with nothing cached, while the spoke's role is refused.
    refuseSpokeRole(REFUSING);
    const refused = await broker();
    clock.advance(3601);
    const sweep = await refused.sweep();
    expect(sweep).toMatchObject({ expired: 1, retryLater: 1 });
    clock.advance(24 * 3600);
    expect((await refused.settle.settleWithin(stuck.id, 20_000)).kind).toBe('retry');
    expect((await refused.getRequest(who(ADMIN), stuck.id)).status).toBe('ACTIVE');
    expect((await refused.getRequest(who(ADMIN), fine.id)).status).toBe('EXPIRED');
    expect(await sidsIn(REFUSING)).toEqual([stuck.statementId]);

    proxy.rules.length = 0;
    expect((await settleNow(await broker(), stuck.id)).status).toBe('EXPIRED');
    expect(await sidsIn(REFUSING)).toEqual([]);
  });

  it('is reported by reconcile, which removes orphans in the other spokes and leaves foreign statements alone', async () => {
    for (const account of [SPOKE, REFUSING]) {
      for (const sid of ['lpb-orphan', 'team-owned']) {
        await accounts[account]!.lambda.send(
          new AddPermissionCommand({
            FunctionName: 'order-processor',
            StatementId: sid,
            Action: 'lambda:InvokeFunction',
            Principal: OTHER_ACCOUNT,
          }),
        );
      }
    }
    refuseSpokeRole(REFUSING);
    const report = await app.reconcile();
    expect(report.accountsUnreachable).toEqual([REFUSING]);
    expect(report.orphansRemoved).toEqual([{ functionArn: fnIn(SPOKE), qualifier: null, statementId: 'lpb-orphan' }]);
    expect(report.checkedFunctions).toBe(2);
    expect(await sidsIn(SPOKE)).toEqual(['team-owned']);
    expect(await sidsIn(REFUSING)).toEqual(['lpb-orphan', 'team-owned']);
  });
});

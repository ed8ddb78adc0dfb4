/**
 * Discover and adopt against moto, through the admin function's HTTP handler, with AWS-shaped faults injected between
 * the SDK and moto: a statement the broker did not write becomes a managed grant with the same meaning; one below the
 * safety floor is refused and left alone; a failure between adding ours and removing theirs loses nothing.
 */
import { AddPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import type { App } from '../../handlers/app';
import { ADOPT_READ_DEADLINE_MS } from '../../domain/use-cases/adopt-statement';
import { apiHandler } from '../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../handlers/http/all-operations';
import { presentRequest } from '../../handlers/http/presenters';
import {
  asAwsStores,
  createFunction,
  motoApp,
  motoEndpoint,
  policyStatements,
  settleNow,
  type testClients,
} from '../support/aws';
import { FaultProxy, awsErrors, calls } from '../support/fault-proxy';
import { ADMIN, OTHER_ACCOUNT, fnArn, openEntry, who } from '../support/fixtures';
import { FixedClock } from '../support/in-memory';
import { eventually } from '../support/runner';
import { apiEvent, lambdaContext } from '../support/in-memory-app';

jest.setTimeout(60_000);

const TABLE = 'adoption-broker';
const FN = fnArn('order-processor');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders-topic';
let proxy: FaultProxy;
let app: App;
let clients: ReturnType<typeof testClients>;

beforeAll(async () => {
  proxy = new FaultProxy(motoEndpoint());
  await proxy.start();
});

afterAll(async () => {
  await proxy.stop();
});

/** Statements app teams added themselves, straight to moto. */
const TEAM_STATEMENTS = {
  'team-sns': { Principal: 'sns.amazonaws.com', SourceArn: TOPIC },
  'team-open': { Principal: 'sns.amazonaws.com' },
  'team-account': { Principal: OTHER_ACCOUNT },
};

beforeEach(async () => {
  // The broker's calls go through the fault proxy; the teams' own go straight to moto.
  ({ app, clients } = await motoApp(
    TABLE,
    { AWS_ENDPOINT_URL: proxy.url, BROKER_IDENTITY: 'header' },
    { clock: new FixedClock(new Date()), sleep: () => Promise.resolve() },
  ));
  await createFunction(clients, 'order-processor');
  for (const [sid, grant] of Object.entries(TEAM_STATEMENTS)) {
    await clients.lambda.send(
      new AddPermissionCommand({
        FunctionName: 'order-processor',
        StatementId: sid,
        Action: 'lambda:InvokeFunction',
        ...grant,
      }),
    );
  }
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
  proxy.clear();
});

const admin = apiHandler(OPERATIONS_BY_FUNCTION.admin, () => Promise.resolve(app));
async function call(method: 'GET' | 'POST', path: string, options: { body?: unknown; query?: Record<string, string> }) {
  const res = await admin(
    apiEvent(method, path, { ...options, headers: { 'X-Broker-Principal': ADMIN } }),
    lambdaContext,
  );
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, any> };
}
const adopt = (statementId: string) =>
  call('POST', '/v1/admin/adopt', {
    body: { functionArn: FN, statementId, durationSeconds: 86400, reason: 'bring the team grant under the broker' },
  });
const byStatementId = async () =>
  Object.fromEntries((await policyStatements(clients, 'order-processor')).map((s) => [s.Sid, s]));
const withoutSid = ({ Sid: _sid, ...rest }: Record<string, unknown>) => rest;
const listed = async () =>
  (await app.listRequests({ caller: who(ADMIN), status: null, functionName: null, limit: 100, nextToken: null })).items;

it('discovers the statements it does not manage, judged by the floor and the allowlist', async () => {
  const res = await call('GET', '/v1/admin/discover', {});
  expect(res.status).toBe(200);
  expect(res.body.nextToken).toBeNull();
  expect(
    res.body.items.map((i: any) => [i.statementId, i.floorViolations.map((v: any) => v.path), i.permittedBy]),
  ).toEqual([
    ['team-sns', [], 'orders'],
    ['team-open', ['sourceArn'], 'orders'],
    // moto keeps an account principal as a raw string: read as the account it is.
    ['team-account', [], 'orders'],
  ]);
  expect(res.body.items[0]).toMatchObject({ functionArn: FN, qualifier: null, statement: { Sid: 'team-sns' } });
});

it.each(['team-sns', 'team-account'])(
  'adopts %s: the old Sid goes, an lpb- Sid with the same meaning stays',
  async (sid) => {
    const before = await byStatementId();
    const answer = await adopt(sid);
    expect(answer.status).toBe(201);
    // ACTIVE when the swap finished within the answer's time (the bench measures that); on a loaded machine it may
    // still be APPROVED, and the work finishes it.
    expect(['ACTIVE', 'APPROVED']).toContain(answer.body.status);
    const res =
      answer.body.status === 'ACTIVE' ? answer : { body: presentRequest(await settleNow(app, answer.body.id)) as any };
    expect(res.body).toMatchObject({ status: 'ACTIVE', requester: ADMIN, allowlistEntryId: 'orders' });
    expect(res.body.history.map((e: any) => e.event)).toEqual(['ADOPTED', 'ACTIVATED']);
    expect(res.body.history[0].detail).toMatchObject({ statementId: sid });
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.activatedAt)).toBe(86400 * 1000);

    const after = await byStatementId();
    expect(Object.keys(after).sort()).toEqual(
      Object.keys(before)
        .filter((s) => s !== sid)
        .concat(res.body.statementId)
        .sort(),
    );
    expect(withoutSid(asAwsStores(after[res.body.statementId]))).toEqual(withoutSid(asAwsStores(before[sid])));
    expect(withoutSid(res.body.statement)).toEqual(withoutSid(asAwsStores(before[sid])));
  },
);

it('refuses a service principal without SourceArn, naming it and the violation, and leaves it in place', async () => {
  const before = await byStatementId();
  const res = await adopt('team-open');
  expect(res.status).toBe(400);
  expect(res.body.error.details).toEqual([
    { path: 'statementId', message: expect.stringContaining('team-open does not meet the safety floor') },
    { path: 'sourceArn', message: 'is required for service principal sns.amazonaws.com' },
  ]);
  expect(await byStatementId()).toEqual(before);
  expect(await listed()).toEqual([]);
  expect(proxy.seen.filter((c) => calls.addPermission(c) || calls.removePermission(c))).toEqual([]);
});

it('answers 404 for a statement that is not there', async () => {
  const res = await adopt('team-gone');
  expect(res.status).toBe(404);
  expect(await listed()).toEqual([]);
});

it('loses nothing when removing the old statement fails: both stand until the work finishes the swap', async () => {
  const before = await byStatementId();
  const removeOld = (c: Parameters<typeof calls.removePermission>[0]) =>
    calls.removePermission(c) && c.path.endsWith('/policy/team-sns');
  const failing = proxy.add({ match: removeOld, times: 1_000, mode: 'error', ...awsErrors.lambdaServiceError() });

  const res = await adopt('team-sns');
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('APPROVED');
  expect(failing.hits).toBeGreaterThan(0);
  const during = await byStatementId();
  expect(during['team-sns']).toEqual(before['team-sns']);
  expect(withoutSid(asAwsStores(during[res.body.statementId]))).toEqual(withoutSid(asAwsStores(before['team-sns'])));

  // The work queue (or the sweep) comes back once Lambda answers again (and the settle behind the answer let go).
  failing.times = failing.hits ?? 0;
  const finished = await eventually(async () => {
    const settled = await settleNow(app, res.body.id);
    return settled.status === 'APPROVED' ? undefined : settled;
  });
  expect(finished.status).toBe('ACTIVE');
  const after = await byStatementId();
  expect(after['team-sns']).toBeUndefined();
  expect(withoutSid(asAwsStores(after[res.body.statementId]))).toEqual(withoutSid(asAwsStores(before['team-sns'])));
  expect(proxy.seen.filter(calls.addPermission)).toHaveLength(1);
});

it('never removes a statement its owner replaced while the adoption was in flight (ADOPTION_CONFLICT)', async () => {
  // The broker's removal of team-sns finds the function busy (409: not retried by the SDK, so the settle behind the
  // answer lets go at once), so the adoption is still in flight when the owner acts.
  const removeOld = (c: Parameters<typeof calls.removePermission>[0]) =>
    calls.removePermission(c) && c.path.endsWith('/policy/team-sns');
  const busy = {
    status: 409,
    headers: { 'x-amzn-errortype': 'ResourceConflictException' },
    body: { Type: 'User', message: 'An update is in progress for resource: order-processor' },
  };
  const failing = proxy.add({ match: removeOld, times: 1, mode: 'error', ...busy });
  const res = await adopt('team-sns');
  expect(res.body.status).toBe('APPROVED');
  expect(failing.hits).toBe(1);
  // The owner replaces team-sns with a grant for another topic, same Sid, straight to Lambda.
  await clients.lambda.send(new RemovePermissionCommand({ FunctionName: 'order-processor', StatementId: 'team-sns' }));
  await clients.lambda.send(
    new AddPermissionCommand({
      FunctionName: 'order-processor',
      StatementId: 'team-sns',
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: `${TOPIC}-v2`,
    }),
  );
  const replaced = (await byStatementId())['team-sns'];

  // The work queue (or the sweep) comes back.
  const settled = await settleNow(app, res.body.id);
  expect(settled.status).toBe('ACTIVE');
  expect(settled.history.map((e) => e.event)).toEqual(['ADOPTED', 'ACTIVATED', 'ADOPTION_CONFLICT']);
  const after = await byStatementId();
  expect(after['team-sns']).toEqual(replaced);
  expect(after[settled.statementId]).toBeDefined();
  // The one removal of team-sns the broker tried was the one that found the function busy, before the owner acted.
  expect(proxy.seen.filter(removeOld)).toHaveLength(1);
});

it('answers 503 within its deadline, never a 504, when the account’s Lambda budget is used up for long', async () => {
  // Lambda throttles the policy read and asks for 100 s: the account's budget is closed that long for every process.
  proxy.add({
    match: calls.getPolicy,
    times: 1,
    mode: 'error',
    ...awsErrors.lambdaThrottled(),
    headers: { 'x-amzn-errortype': 'TooManyRequestsException', 'retry-after': '100' },
  });
  const started = Date.now();
  const res = await adopt('team-sns');
  expect(res.status).toBe(503);
  expect(Date.now() - started).toBeLessThan(ADOPT_READ_DEADLINE_MS + 5_000);
  expect(await listed()).toEqual([]);
});

it('answers a retry of an adoption still in flight with the same request', async () => {
  proxy.add({ match: calls.removePermission, times: 1_000, mode: 'error', ...awsErrors.lambdaServiceError() });
  const first = await adopt('team-sns');
  const again = await adopt('team-sns');
  expect(again).toMatchObject({ status: 201, body: { id: first.body.id, status: 'APPROVED' } });
  expect((await listed()).map((r) => r.id)).toEqual([first.body.id]);
});

/**
 * Persons (docs/api.md, Who is calling), through the real HTTP pipeline in IAM identity mode: a session of an IAM
 * Identity Center permission set is a person, keyed by its session name in any case, under any permission set and in
 * any account; other sessions are their role. Patterns with the Identity Center path match only roles IAM holds under
 * it; linked Slack users count as the person or role they are linked to.
 */
import { apiHandler } from '../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../handlers/http/all-operations';
import { ACCOUNT, PRINCIPAL_CASES, SPOKE_ACCOUNT, baseAsk, openEntry } from '../support/fixtures';
import { signedClick } from '../support/fake-slack';
import { apiEvent, inMemoryApp, lambdaContext } from '../support/in-memory-app';

const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
const SSO_PATH = 'aws-reserved/sso.amazonaws.com/';
const DEV_SET = 'AWSReservedSSO_OrdersDev_1111aaaa';
const APPROVER_SET = 'AWSReservedSSO_Approvers_2222bbbb';
const LEAD_SET = 'AWSReservedSSO_Approvers_3333cccc';
const ADMIN_SET = 'AWSReservedSSO_BrokerAdmin_4444dddd';
const session = (role: string, name: string, account = ACCOUNT) =>
  `arn:aws:sts::${account}:assumed-role/${role}/${name}`;
const roleArn = (role: string, path = '', account = ACCOUNT) => `arn:aws:iam::${account}:role/${path}${role}`;
const ALICE = session(DEV_SET, 'alice@example.com');
const BOB = session(APPROVER_SET, 'bob@example.com');
const CAROL = session(APPROVER_SET, 'carol@example.com');
const DAVE = session(APPROVER_SET, 'dave@example.com');
const RELEASE_BOT = 'release-bot';
const SECRET = 'persons-signing-secret';

async function setup(entry: Parameters<typeof openEntry>[0] = {}) {
  const ctx = inMemoryApp({
    BROKER_IDENTITY: 'iam',
    BROKER_TARGET_ACCOUNTS: `${ACCOUNT},${SPOKE_ACCOUNT}`,
    // Admins by the permission set's role ARN, path and all, as IAM shows it.
    BROKER_ADMINS: roleArn(ADMIN_SET, SSO_PATH),
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: 'http://127.0.0.1:9/api',
    BROKER_SLACK_USERS: 'U0BOB=person:Bob@Example.com,U0BOT=' + roleArn(RELEASE_BOT),
  });
  // The permission sets' roles, as Identity Center makes them in each account.
  for (const account of [ACCOUNT, SPOKE_ACCOUNT]) {
    for (const set of [DEV_SET, APPROVER_SET, LEAD_SET, ADMIN_SET])
      ctx.roleDirectory.put(roleArn(set, SSO_PATH, account));
  }
  const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
  const call = async (userArn: string, method: string, resource: string, options: Parameters<typeof apiEvent>[2]) => {
    const res = await handler(apiEvent(method, resource, { ...options, userArn }), lambdaContext);
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, any>) : undefined };
  };
  const admin = session(ADMIN_SET, 'erin@example.com');
  const put = await call(admin, 'PUT', '/v1/allowlist/{entryId}', {
    pathParameters: { entryId: 'orders' },
    body: openEntry({
      requesters: [roleArn(DEV_SET, SSO_PATH), roleArn('AWSReservedSSO_Approvers_*', SSO_PATH), roleArn('orders-ci')],
      approvers: [
        `arn:aws:iam::*:role/${SSO_PATH}AWSReservedSSO_Approvers_*`,
        roleArn(RELEASE_BOT),
        'slack:U0BOB',
        'slack:U0BOT',
      ],
      requiredApprovals: 2,
      ...entry,
    }),
  });
  expect(put.status).toBe(200);
  const create = async (requester: string) => {
    const res = await call(requester, 'POST', '/v1/requests', { body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask } });
    expect(res.status).toBe(201);
    return res.body as { id: string; requester: string; requesterPerson: string; statementHash: string };
  };
  const approve = (approver: string, id: string) =>
    call(approver, 'POST', '/v1/requests/{id}/approve', { pathParameters: { id }, body: {} });
  const click = async (userId: string, request: { id: string; statementHash: string }) => {
    const signed = signedClick({
      secret: SECRET,
      userId,
      actionId: 'approve',
      value: JSON.stringify({ id: request.id, hash: request.statementHash }),
      timestamp: Math.floor(ctx.clock.now().getTime() / 1000),
    });
    const res = await handler(
      apiEvent('POST', '/v1/slack/interactions', { body: signed.body, headers: signed.headers }),
      lambdaContext,
    );
    return res.body ? (JSON.parse(res.body) as Record<string, any>) : undefined;
  };
  return { ...ctx, call, create, approve, click };
}

describe('persons', () => {
  it('makes a quorum of 2 from two people, and never from one person under two sessions', async () => {
    const { create, approve } = await setup();
    const request = await create(ALICE);
    // The requester is the session that asked, and the person behind it.
    expect(request).toMatchObject({ requester: ALICE, requesterPerson: 'alice@example.com' });
    expect((await approve(BOB, request.id)).body?.status).toBe('PENDING');
    // Bob again: under another permission set, in another account, in capitals.
    for (const bobAgain of [
      BOB,
      session(LEAD_SET, 'bob@example.com'),
      session(LEAD_SET, 'BOB@example.com', SPOKE_ACCOUNT),
    ]) {
      const again = await approve(bobAgain, request.id);
      expect(again.status).toBe(409);
      expect(again.body?.error.message).toMatch(/bob@example\.com has already approved/);
    }
    const done = await approve(CAROL, request.id);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'ACTIVE',
      approvals: [
        { approver: BOB, person: 'bob@example.com', counted: true },
        { approver: CAROL, person: 'carol@example.com', counted: true },
      ],
    });
    expect(done.body?.history.map((e: { actor: string }) => e.actor)).toEqual([ALICE, BOB, CAROL, CAROL, 'broker']);
  });

  it('refuses the requester under any of its sessions, but a colleague in the same permission set may approve', async () => {
    const { create, approve } = await setup({ requiredApprovals: 1 });
    const request = await create(DAVE);
    for (const own of [DAVE, session(LEAD_SET, 'Dave@Example.com', SPOKE_ACCOUNT)]) {
      const refused = await approve(own, request.id);
      expect(refused.status).toBe(403);
      expect(refused.body?.error.message).toMatch(/own request/);
    }
    expect((await approve(BOB, request.id)).body?.status).toBe('ACTIVE');
  });

  it("counts a CI role's two sessions once, and never lets them approve the role's own request", async () => {
    const { create, approve } = await setup();
    const request = await create(ALICE);
    expect((await approve(session(RELEASE_BOT, 'build-1'), request.id)).body?.status).toBe('PENDING');
    const second = await approve(session(RELEASE_BOT, 'build-2'), request.id);
    expect(second.status).toBe(409);
    expect(second.body?.error.message).toContain(roleArn(RELEASE_BOT));
    const ci = await create(session('orders-ci', 'build-7'));
    expect(ci).toMatchObject({ requester: roleArn('orders-ci'), requesterPerson: roleArn('orders-ci') });
  });

  it('matches BROKER_ADMINS by the role ARN of a person, path and all, read from IAM', async () => {
    const { call, roleDirectory } = await setup();
    const erin = session(ADMIN_SET, 'erin@example.com');
    expect((await call(erin, 'GET', '/v1/allowlist', {})).status).toBe(200);
    expect((await call(BOB, 'GET', '/v1/allowlist', {})).status).toBe(403);
    // A role of that name that someone else made, outside Identity Center's path, is no admin.
    roleDirectory.put(roleArn(ADMIN_SET, 'imposters/', SPOKE_ACCOUNT));
    expect((await call(session(ADMIN_SET, 'erin@example.com', SPOKE_ACCOUNT), 'GET', '/v1/allowlist', {})).status).toBe(
      403,
    );
  });

  it('counts a linked Slack user as the person or role it is linked to', async () => {
    const { create, approve, click, store } = await setup();
    const request = await create(ALICE);
    expect((await approve(BOB, request.id)).body?.status).toBe('PENDING');
    // Bob again, from Slack: one person, one approval.
    expect((await click('U0BOB', request))?.text).toMatch(/already approved/);
    expect((await click('U0BOT', request))?.text).toBeUndefined();
    expect((await store.get(request.id))?.approvals.map((a) => [a.approver, a.person, a.counted])).toEqual([
      [BOB, 'bob@example.com', true],
      ['slack:U0BOT', roleArn(RELEASE_BOT), true],
    ]);
    // Bob may not approve his own request from Slack either.
    const bobs = await create(BOB);
    expect((await click('U0BOB', bobs))?.text).toMatch(/own request/);
  });
});

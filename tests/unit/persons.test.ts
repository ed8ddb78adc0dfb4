/**
 * Persons, not just roles (API §11.6), through the real HTTP pipeline in IAM identity mode: sessions of IAM Identity
 * Center permission sets are people, other sessions are their role; allowlist patterns and BROKER_ADMINS name a
 * person by its session or by its role (paths ignored); linked Slack users are whom they are linked to.
 */
import { apiHandler } from '../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../handlers/http/all-operations';
import { ACCOUNT, PRINCIPAL_CASES, baseAsk, openEntry } from '../support/fixtures';
import { signedClick } from '../support/fake-slack';
import { apiEvent, inMemoryApp, lambdaContext } from '../support/in-memory-app';

const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
const SSO_PATH = 'aws-reserved/sso.amazonaws.com/';
const DEV_SET = 'AWSReservedSSO_OrdersDev_1111aaaa';
const APPROVER_SET = 'AWSReservedSSO_Approvers_2222bbbb';
const ADMIN_SET = 'AWSReservedSSO_BrokerAdmin_3333cccc';
const session = (role: string, name: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`;
const roleArn = (role: string, path = '') => `arn:aws:iam::${ACCOUNT}:role/${path}${role}`;
const ALICE = session(DEV_SET, 'alice@example.com');
const BOB = session(APPROVER_SET, 'bob@example.com');
const CAROL = session(APPROVER_SET, 'carol@example.com');
const DAVE = session(APPROVER_SET, 'dave@example.com');
const RELEASE_BOT = 'release-bot';
const SECRET = 'persons-signing-secret';

async function setup(entry: Parameters<typeof openEntry>[0] = {}) {
  const ctx = inMemoryApp({
    BROKER_IDENTITY: 'iam',
    // Admins by the permission set's role ARN, path and all, as IAM shows it.
    BROKER_ADMINS: roleArn(ADMIN_SET, SSO_PATH),
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: 'http://127.0.0.1:9/api',
    BROKER_SLACK_USERS: `U0BOB=${BOB},U0APPRROLE=${roleArn(APPROVER_SET, SSO_PATH)}`,
  });
  const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
  const call = async (userArn: string, method: string, resource: string, options: Parameters<typeof apiEvent>[2]) => {
    const res = await handler(apiEvent(method, resource, { ...options, userArn }), lambdaContext);
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, any>) : undefined };
  };
  const admin = session(ADMIN_SET, 'erin@example.com');
  const put = await call(admin, 'PUT', '/v1/allowlist/{entryId}', {
    pathParameters: { entryId: 'orders' },
    body: openEntry({
      requesters: [roleArn(DEV_SET, SSO_PATH), roleArn(APPROVER_SET, SSO_PATH), roleArn('orders-ci')],
      approvers: [
        roleArn(`AWSReservedSSO_Approvers_*`, SSO_PATH),
        roleArn(RELEASE_BOT),
        'slack:U0BOB',
        'slack:U0APPRROLE',
      ],
      requiredApprovals: 2,
      ...entry,
    }),
  });
  expect(put.status).toBe(200);
  const create = async (requester: string) => {
    const res = await call(requester, 'POST', '/v1/requests', { body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask } });
    expect(res.status).toBe(201);
    return res.body as { id: string; requester: string; statementHash: string };
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

describe('persons (API §11.6)', () => {
  it('two Identity Center sessions of one approver permission set make a quorum of 2; the same session twice does not', async () => {
    const { create, approve } = await setup();
    const request = await create(ALICE);
    // The requester is the person, not the permission set.
    expect(request.requester).toBe(ALICE);
    expect((await approve(BOB, request.id)).body?.status).toBe('PENDING');
    const again = await approve(BOB, request.id);
    expect(again.status).toBe(409);
    expect(again.body?.error.message).toMatch(/already approved/);
    const done = await approve(CAROL, request.id);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'ACTIVE', approvals: [{ approver: BOB }, { approver: CAROL }] });
    expect(done.body?.history.map((e: { actor: string }) => e.actor)).toEqual([ALICE, BOB, CAROL, CAROL, 'broker']);
  });

  it("refuses the requester's own session, but a colleague in the same permission set may approve", async () => {
    const { create, approve } = await setup({ requiredApprovals: 1 });
    const request = await create(DAVE);
    const own = await approve(DAVE, request.id);
    expect(own.status).toBe(403);
    expect(own.body?.error.message).toMatch(/own request/);
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
    expect(ci.requester).toBe(roleArn('orders-ci'));
  });

  it('matches BROKER_ADMINS by the role ARN of a person, path and all', async () => {
    const { call } = await setup();
    const erin = session(ADMIN_SET, 'erin@example.com');
    expect((await call(erin, 'GET', '/v1/allowlist', {})).status).toBe(200);
    expect((await call(BOB, 'GET', '/v1/allowlist', {})).status).toBe(403);
  });

  it('maps linked Slack users to the person, or the role, they are linked to', async () => {
    const { create, approve, click, store } = await setup();
    const request = await create(ALICE);
    expect((await approve(BOB, request.id)).body?.status).toBe('PENDING');
    // Bob again, from Slack: one person, one approval.
    expect((await click('U0BOB', request))?.text).toMatch(/already approved/);
    // A link to the permission set's role cannot tell which person clicks: it counts as each of them.
    expect((await click('U0APPRROLE', request))?.text).toMatch(/already approved/);
    expect((await store.get(request.id))?.approvals.map((a) => a.approver)).toEqual([BOB]);
    // Bob may not approve his own request from Slack either.
    const bobs = await create(BOB);
    expect((await click('U0BOB', bobs))?.text).toMatch(/own request/);
  });
});

/**
 * Approvers as organisations name them (docs/api.md, Approvers as organisations name them), through the real HTTP
 * pipeline in IAM identity mode with an identity store in memory: groups of people, approval steps that must all be
 * met with one person counting once, and grants that start later.
 */
import { apiHandler } from '../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../handlers/http/all-operations';
import { checkGroupsExist } from '../../domain/use-cases/manage-allowlist';
import { ValidationError } from '../../domain/errors';
import { ACCOUNT, PRINCIPAL_CASES, baseAsk, fnArn, openEntry } from '../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext } from '../support/in-memory-app';

const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
const SSO_PATH = 'aws-reserved/sso.amazonaws.com/';
const DEV_SET = 'AWSReservedSSO_OrdersDev_1111aaaa';
const APPROVER_SET = 'AWSReservedSSO_Approvers_2222bbbb';
const ADMIN_SET = 'AWSReservedSSO_BrokerAdmin_4444dddd';
const session = (role: string, name: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`;
const roleArn = (role: string) => `arn:aws:iam::${ACCOUNT}:role/${SSO_PATH}${role}`;
const ALICE = session(DEV_SET, 'alice');
const BOB = session(APPROVER_SET, 'bob');
const CAROL = session(APPROVER_SET, 'carol');
const DAVE = session(APPROVER_SET, 'dave');
const ADMIN = session(ADMIN_SET, 'erin');
const HOUR = 3600;

type Body = Record<string, any>;

async function setup(entry: Parameters<typeof openEntry>[0] = {}) {
  const ctx = inMemoryApp({ BROKER_IDENTITY: 'iam', BROKER_ADMINS: roleArn(ADMIN_SET) });
  for (const set of [DEV_SET, APPROVER_SET, ADMIN_SET]) ctx.roleDirectory.put(roleArn(set));
  ctx.groups.add('payments-owners', 'bob', 'carol').add('security-oncall', 'carol', 'dave');
  const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
  const call = async (userArn: string, method: string, resource: string, options: Parameters<typeof apiEvent>[2]) => {
    const res = await handler(apiEvent(method, resource, { ...options, userArn }), lambdaContext);
    return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : undefined) as Body };
  };
  const put = (body: unknown) =>
    call(ADMIN, 'PUT', '/v1/allowlist/{entryId}', { pathParameters: { entryId: 'payments' }, body });
  const written = await put(
    openEntry({ requesters: [roleArn(DEV_SET)], approvers: [], approverGroups: ['payments-owners'], ...entry }),
  );
  expect(written.status).toBe(200);
  const create = async (ask: Record<string, unknown> = {}) => {
    const res = await call(ALICE, 'POST', '/v1/requests', { body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask, ...ask } });
    return res;
  };
  const approve = (approver: string, id: string, body: Record<string, unknown> = {}) =>
    call(approver, 'POST', '/v1/requests/{id}/approve', { pathParameters: { id }, body });
  const act = (who: string, action: 'cancel' | 'revoke', id: string) =>
    call(who, 'POST', `/v1/requests/{id}/${action}`, { pathParameters: { id }, body: {} });
  const inPolicy = () => ctx.policies.statements(fnArn('order-processor')).map((s) => s.Sid);
  return { ...ctx, call, put, create, approve, act, inPolicy };
}

const TWO_STEPS = {
  approverGroups: [],
  approvalSteps: [
    { name: 'owners', approvers: [], approverGroups: ['payments-owners'], requiredApprovals: 1, slackChannel: null },
    { name: 'security', approvers: [], approverGroups: ['security-oncall'], requiredApprovals: 1, slackChannel: null },
  ],
};

describe('approver groups', () => {
  it('lets a member of the group approve and refuses a non-member', async () => {
    const { create, approve } = await setup();
    const request = (await create()).body;
    // Not an approver, not the requester: the request is not even there for Dave.
    const refused = await approve(DAVE, request.id);
    expect(refused.status).toBe(404);
    const done = await approve(BOB, request.id);
    expect(done.body).toMatchObject({ status: 'ACTIVE', approvals: [{ person: 'bob', counted: true, step: null }] });
  });

  it('stops counting a person once the identity store no longer has them in the group', async () => {
    const { create, approve, groups } = await setup({ requiredApprovals: 2 });
    const request = (await create()).body;
    expect((await approve(BOB, request.id)).body.status).toBe('PENDING');
    groups.members.get('payments-owners')?.delete('bob');
    // Bob's earlier approval no longer counts; Carol's alone is short of two.
    const after = await approve(CAROL, request.id);
    expect(after.body).toMatchObject({
      status: 'PENDING',
      approvals: [
        { person: 'bob', counted: false },
        { person: 'carol', counted: true },
      ],
    });
  });

  it('refuses at PUT a group the identity store does not have, naming it, and changes nothing', async () => {
    const { put, call } = await setup();
    const res = await put(openEntry({ approvers: [], approverGroups: ['payments-owners', 'payment-owners'] }));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: 'approverGroups', message: 'payment-owners is not a group of the identity store' },
    ]);
    const stored = await call(ADMIN, 'GET', '/v1/allowlist/{entryId}', { pathParameters: { entryId: 'payments' } });
    expect(stored.body.approverGroups).toEqual(['payments-owners']);
  });

  it('refuses groups while no identity store is configured', async () => {
    const input = openEntry({ approverGroups: ['payments-owners'] });
    await expect(checkGroupsExist(input, null)).rejects.toThrow(ValidationError);
    await expect(checkGroupsExist(openEntry(), null)).resolves.toBeUndefined();
  });
});

describe('approval steps', () => {
  it('needs every step, and shows each approval in its step', async () => {
    const { create, approve } = await setup(TWO_STEPS);
    const request = (await create()).body;
    expect(request.approvalSteps).toEqual([
      { name: 'owners', requiredApprovals: 1, counted: 0 },
      { name: 'security', requiredApprovals: 1, counted: 0 },
    ]);
    const first = await approve(BOB, request.id);
    expect(first.body).toMatchObject({
      status: 'PENDING',
      approvalSteps: [
        { name: 'owners', counted: 1 },
        { name: 'security', counted: 0 },
      ],
    });
    const second = await approve(DAVE, request.id);
    expect(second.body).toMatchObject({
      status: 'ACTIVE',
      approvals: [
        { person: 'bob', step: 'owners', counted: true },
        { person: 'dave', step: 'security', counted: true },
      ],
    });
  });

  it('counts a person eligible in both steps once', async () => {
    const { create, approve } = await setup(TWO_STEPS);
    const request = (await create()).body;
    const carol = await approve(CAROL, request.id);
    expect(carol.body).toMatchObject({ status: 'PENDING', approvals: [{ person: 'carol', step: 'owners' }] });
    expect((await approve(session(DEV_SET, 'Carol'), request.id)).status).toBe(409);
    // Bob is an owner only: owners is met, security is still short.
    const bob = await approve(BOB, request.id);
    expect(bob.body).toMatchObject({
      status: 'PENDING',
      approvalSteps: [
        { name: 'owners', counted: 2 },
        { name: 'security', counted: 0 },
      ],
    });
    expect((await approve(DAVE, request.id)).body.status).toBe('ACTIVE');
  });

  it('counts an approval in the step it names, and refuses a step that does not exist or is not the approver’s', async () => {
    const { create, approve } = await setup(TWO_STEPS);
    const request = (await create()).body;
    const unknown = await approve(CAROL, request.id, { step: 'finance' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([
      { path: 'step', message: 'the entry has no approval step named finance' },
    ]);
    expect((await approve(BOB, request.id, { step: 'security' })).status).toBe(403);
    const carol = await approve(CAROL, request.id, { step: 'security' });
    expect(carol.body.approvals).toMatchObject([{ person: 'carol', step: 'security', counted: true }]);
    expect((await approve(BOB, request.id)).body.status).toBe('ACTIVE');
  });

  it('refuses steps together with top-level approvers', async () => {
    const { put } = await setup();
    const res = await put(openEntry({ ...TWO_STEPS, approvers: ['slack:U0123ABCD'] }));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: 'approvers', message: 'must be empty when approvalSteps are given' },
    ]);
  });
});

describe('a start time', () => {
  it('is SCHEDULED until startsAt, applied then, and ends at startsAt + durationSeconds', async () => {
    const { create, approve, advance, inPolicy, clock, store } = await setup();
    const startsAt = new Date(clock.now().getTime() + 2 * HOUR * 1000).toISOString();
    const request = (await create({ startsAt, durationSeconds: HOUR })).body;
    expect(request).toMatchObject({ status: 'PENDING', startsAt });
    const approved = await approve(BOB, request.id);
    const expiresAt = new Date(Date.parse(startsAt) + HOUR * 1000).toISOString();
    expect(approved.body).toMatchObject({ status: 'SCHEDULED', expiresAt, activatedAt: null });
    await advance(2 * HOUR - 1);
    expect(inPolicy()).toEqual([]);
    await advance(1);
    expect(await store.get(request.id)).toMatchObject({ status: 'ACTIVE', expiresAt });
    expect(inPolicy()).toEqual([request.statementId]);
    await advance(HOUR);
    expect(await store.get(request.id)).toMatchObject({ status: 'EXPIRED' });
    expect(inPolicy()).toEqual([]);
    const events = (await store.get(request.id))?.history.map((e) => e.event);
    expect(events).toEqual(['CREATED', 'APPROVAL', 'APPROVED', 'SCHEDULED', 'ACTIVATED', 'EXPIRED']);
  });

  it.each(['cancel', 'revoke'] as const)('%s before the start ends it with nothing applied', async (action) => {
    const { create, approve, act, advance, inPolicy, clock, store } = await setup();
    const startsAt = new Date(clock.now().getTime() + HOUR * 1000).toISOString();
    const request = (await create({ startsAt })).body;
    await approve(BOB, request.id);
    const ended = await act(ALICE, action, request.id);
    expect(ended.body.status).toBe(action === 'cancel' ? 'CANCELLED' : 'REVOKED');
    await advance(2 * HOUR);
    expect(inPolicy()).toEqual([]);
    expect((await store.get(request.id))?.activatedAt).toBeNull();
  });

  it('refuses a start in the past or beyond the entry’s maxStartDelaySeconds, storing nothing', async () => {
    const { create, clock, store } = await setup({ maxStartDelaySeconds: HOUR });
    const past = await create({ startsAt: new Date(clock.now().getTime() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.error.details[0].path).toBe('startsAt');
    const far = await create({ startsAt: new Date(clock.now().getTime() + (HOUR + 1) * 1000).toISOString() });
    expect(far.status).toBe(400);
    expect(far.body.error.details).toEqual([
      { path: 'startsAt', message: "must be at most 3600 seconds ahead (the entry's maxStartDelaySeconds)" },
    ]);
    const garbled = await create({ startsAt: 'next saturday' });
    expect(garbled.body.error.details[0].path).toBe('startsAt');
    expect(store.changes).toHaveLength(0);
  });
});

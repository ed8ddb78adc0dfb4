import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import { ADMIN, APPROVER, REQUESTER, openEntry, who } from '../../support/fixtures';
import { signedClick } from '../../support/fake-slack';
import { apiEvent, inMemoryApp, lambdaContext, newRequest } from '../../support/in-memory-app';

const SECRET = 'test-signing-secret';
const APPROVER_SLACK = 'U0123ABCD';
const REQUESTER_SLACK = 'U0999ZZZZ';

async function setup() {
  const responses: { url: string; body: Record<string, unknown> }[] = [];
  const ctx = inMemoryApp(
    {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      BROKER_SLACK_USERS: `${REQUESTER_SLACK}=${REQUESTER}`,
    },
    {
      slackRespond: (url, body) => {
        responses.push({ url, body });
        return Promise.resolve();
      },
    },
  );
  await ctx.app.allowlist.put(
    who(ADMIN),
    'orders',
    openEntry({ approvers: ['slack:U0123ABCD', `slack:${REQUESTER_SLACK}`] }),
  );
  const request = await newRequest(ctx.app);
  const handler = apiHandler(OPERATIONS_BY_FUNCTION.slack, () => Promise.resolve(ctx.app));
  const now = Math.floor(ctx.clock.now().getTime() / 1000);
  const click = async (options: Partial<Parameters<typeof signedClick>[0]> = {}) => {
    const signed = signedClick({
      secret: SECRET,
      userId: APPROVER_SLACK,
      actionId: 'approve',
      value: JSON.stringify({ id: request.id, hash: request.statementHash }),
      responseUrl: 'http://127.0.0.1:9/hooks/respond',
      timestamp: now,
      ...options,
    });
    const event = apiEvent('POST', '/v1/slack/interactions', { body: signed.body, headers: signed.headers });
    const response = await handler(event, lambdaContext);
    return {
      status: response.statusCode,
      body: response.body ? (JSON.parse(response.body) as Record<string, any>) : undefined,
    };
  };
  return { ...ctx, request, click, responses, now };
}

describe('Slack interactions', () => {
  it('approves as slack:<user id> through the same use case as REST, storing the decision only', async () => {
    const { click, app, request, policies, drain } = await setup();
    policies.calls.length = 0;
    expect((await click()).status).toBe(200);
    const decided = await app.getRequest(who(ADMIN), request.id);
    expect(decided).toMatchObject({ status: 'APPROVED', approvals: [{ approver: 'slack:U0123ABCD' }] });
    // The answer does not wait for AWS: the grant is applied behind it.
    expect(policies.calls).toEqual([]);
    await drain();
    expect((await app.getRequest(who(ADMIN), request.id)).status).toBe('ACTIVE');
    expect(policies.statements(decided.functionArn)).toHaveLength(1);
  });

  it('rejects on the reject button', async () => {
    const { click, app, request } = await setup();
    await click({ actionId: 'reject' });
    expect((await app.getRequest(who(ADMIN), request.id)).status).toBe('REJECTED');
  });

  it.each<[string, Partial<Parameters<typeof signedClick>[0]>]>([
    ['a wrong secret', { secret: 'guess' }],
    ['a forged signature', { sign: () => `v0=${'0'.repeat(64)}` }],
    ['a timestamp 6 minutes old', { timestamp: Math.floor(new Date('2026-11-26T12:00:00Z').getTime() / 1000) - 360 }],
    ['a timestamp 6 minutes ahead', { timestamp: Math.floor(new Date('2026-11-26T12:00:00Z').getTime() / 1000) + 360 }],
  ])('answers 401 for %s and changes nothing', async (_name, options) => {
    const { click, store, request } = await setup();
    expect((await click(options)).status).toBe(401);
    expect(store.requests.get(request.id)).toEqual(request);
  });

  it('answers 401 for missing headers and for a body altered after signing', async () => {
    const { app, request, store, now } = await setup();
    const handler = apiHandler(OPERATIONS_BY_FUNCTION.slack, () => Promise.resolve(app));
    const signed = signedClick({
      secret: SECRET,
      userId: APPROVER_SLACK,
      actionId: 'approve',
      value: '{}',
      timestamp: now,
    });
    const tampered = apiEvent('POST', '/v1/slack/interactions', {
      body: signed.body.replace('approve', 'reject'),
      headers: signed.headers,
    });
    expect((await handler(tampered, lambdaContext)).statusCode).toBe(401);
    const bare = apiEvent('POST', '/v1/slack/interactions', {
      body: signed.body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect((await handler(bare, lambdaContext)).statusCode).toBe(401);
    expect(store.requests.get(request.id)).toEqual(request);
  });

  it.each<[string, Partial<Parameters<typeof signedClick>[0]>, RegExp]>([
    ['an unknown Slack user', { userId: 'U7777777' }, /not found/],
    ['the requester approving itself', { userId: REQUESTER_SLACK }, /own request/],
    ['a stale statement hash', { value: 'STALE' }, /statement changed/],
  ])('answers %s with an ephemeral refusal and changes nothing', async (_name, options, reason) => {
    const ctx = await setup();
    const value =
      options.value === 'STALE' ? JSON.stringify({ id: ctx.request.id, hash: 'a'.repeat(64) }) : options.value;
    const res = await ctx.click({ ...options, ...(value ? { value } : {}) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(reason) as unknown });
    expect(ctx.responses).toEqual([{ url: 'http://127.0.0.1:9/hooks/respond', body: res.body }]);
    expect(ctx.store.requests.get(ctx.request.id)).toEqual(ctx.request);
  });

  it('never posts to a response_url outside Slack', async () => {
    const { click, responses } = await setup();
    const res = await click({ userId: 'U7777777', responseUrl: 'https://attacker.example/steal' });
    expect(res.body?.response_type).toBe('ephemeral');
    expect(responses).toEqual([]);
  });
});

describe('linked Slack users (issue #15, finding 1)', () => {
  async function linked(links: string, approvers: string[], requiredApprovals: number) {
    const ctx = inMemoryApp({
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      BROKER_SLACK_USERS: links,
    });
    await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry({ approvers, requiredApprovals }));
    const request = await newRequest(ctx.app);
    const handler = apiHandler(OPERATIONS_BY_FUNCTION.slack, () => Promise.resolve(ctx.app));
    const click = async (userId: string) => {
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
    return { ...ctx, request, click };
  }

  it('finding 1 — one person, two approvals: a REST approval and a click of the linked Slack user count once', async () => {
    const { app, request, click, store } = await linked(
      `U0APPR=${APPROVER}`,
      [APPROVER, 'slack:U0APPR', 'slack:U0123ABCD'],
      2,
    );
    expect((await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null })).status).toBe(
      'PENDING',
    );
    const refused = await click('U0APPR');
    expect(refused).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/already approved/) as unknown,
    });
    const stored = await store.get(request.id);
    expect(stored).toMatchObject({ status: 'PENDING', approvals: [{ approver: APPROVER }] });
    // The other way round too: the Slack click first, then the same person over REST.
    const second = await newRequest(app);
    expect((await app.decide.approve({ approver: who('slack:U0APPR'), id: second.id, comment: null })).status).toBe(
      'PENDING',
    );
    await expect(app.decide.approve({ approver: who(APPROVER), id: second.id, comment: null })).rejects.toThrow(
      /already approved/,
    );
    // A second person completes the quorum.
    expect(await click('U0123ABCD')).toBeUndefined();
    expect((await store.get(request.id))?.status).toBe('APPROVED');
  });

  it('finding 1 — one person, two approvals: a link whose role ARN has a path is still the requester', async () => {
    const { request, click, store } = await linked(
      `U0REQ=arn:aws:iam::123456789012:role/ci/orders-ci`,
      [APPROVER, 'slack:U0REQ'],
      1,
    );
    expect(request.requester).toBe(REQUESTER);
    expect(await click('U0REQ')).toMatchObject({ text: expect.stringMatching(/own request/) as unknown });
    expect(await store.get(request.id)).toEqual(request);
  });
});

/**
 * The security suite: identity spoofing in both identity modes, approver impersonation, self-approval, id tampering
 * across requests and entries, confused-deputy requests, oversized bodies and control characters — each through the
 * real HTTP pipeline, each asserting the refusal and that nothing changed.
 */
import { apiHandler } from '../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../handlers/http/all-operations';
import {
  ACCOUNT,
  ADMIN,
  APPROVER,
  OTHER_ACCOUNT,
  PRINCIPAL_CASES,
  REGION,
  REQUESTER,
  STRANGER,
  baseAsk,
  openEntry,
  who,
} from '../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext, newRequest } from '../support/in-memory-app';

const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
const OTHER_REQUESTER = `arn:aws:iam::${ACCOUNT}:role/orders-batch`;
const BILLING_APPROVER = `arn:aws:iam::${ACCOUNT}:role/billing-approver`;

async function setup(identity: 'header' | 'iam' = 'header') {
  const ctx = inMemoryApp({ BROKER_IDENTITY: identity });
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  await ctx.app.allowlist.put(
    who(ADMIN),
    'billing',
    openEntry({
      functions: ['arn:aws:lambda:us-east-1:123456789012:function:billing-*'],
      approvers: [BILLING_APPROVER],
    }),
  );
  const request = await newRequest(ctx.app);
  const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
  const snapshot = () =>
    JSON.stringify([[...ctx.store.requests], [...ctx.allowlist.entries], [...ctx.policies.policies]]);
  const call = async (event: Parameters<typeof handler>[0]) => {
    const res = await handler(event, lambdaContext);
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, any>) : undefined };
  };
  /** Calls and asserts the refusal changed nothing. */
  const refused = async (event: Parameters<typeof handler>[0], status: number) => {
    const before = snapshot();
    const res = await call(event);
    expect(res.status).toBe(status);
    expect(snapshot()).toBe(before);
    return res;
  };
  return { ...ctx, request, call, refused };
}

const as = (principal: string) => ({ 'X-Broker-Principal': principal });
const decide = (
  action: string,
  id: string,
  headers: Record<string, string>,
  body: unknown = {},
  userArn: string | null = null,
) => apiEvent('POST', `/v1/requests/{id}/${action}`, { pathParameters: { id }, headers, body, userArn });

describe('identity spoofing', () => {
  it('iam mode: only the authenticated request context counts, never a header', async () => {
    const { refused, request } = await setup('iam');
    await refused(decide('approve', request.id, as(APPROVER)), 401);
    await refused(decide('approve', request.id, as(APPROVER), {}, STRANGER), 404);
  });

  it('header mode: the header must be an IAM ARN; slack: identities come only from signed clicks', async () => {
    const { refused, request } = await setup('header');
    for (const header of [
      'slack:U0123ABCD',
      '*',
      'arn:aws:iam::*:role/platform-approver',
      'platform-approver',
      `${APPROVER} `,
    ]) {
      await refused(decide('approve', request.id, as(header)), 401);
    }
  });

  it('nothing in a body can name the caller, requester or approver', async () => {
    const { refused, request } = await setup();
    const forged = await refused(
      apiEvent('POST', '/v1/requests', {
        body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask, requester: APPROVER },
        headers: as(REQUESTER),
      }),
      400,
    );
    expect(forged.body?.error.details).toEqual([{ path: 'requester', message: 'requester is not a known field' }]);
    await refused(decide('approve', request.id, as(STRANGER), { approver: APPROVER }), 400);
  });
});

describe('decisions', () => {
  it('refuses self-approval and approver impersonation', async () => {
    const { refused, request, app } = await setup();
    await app.allowlist.put(who(ADMIN), 'orders', openEntry({ approvers: [APPROVER, REQUESTER] }));
    await refused(decide('approve', request.id, as(REQUESTER)), 403);
    // Who may not see the request is told it does not exist (issue #15, finding 6).
    await refused(decide('approve', request.id, as(BILLING_APPROVER)), 404);
    await refused(decide('reject', request.id, as(STRANGER)), 404);
  });

  it('finding 6 — existence oracle: another requester cannot read, cancel or revoke (404, as for an unknown id); another entry’s approver cannot decide', async () => {
    const { refused, request, call } = await setup();
    await refused(
      apiEvent('GET', '/v1/requests/{id}', { pathParameters: { id: request.id }, headers: as(OTHER_REQUESTER) }),
      404,
    );
    await refused(decide('cancel', request.id, as(OTHER_REQUESTER)), 404);
    await refused(
      apiEvent('GET', '/v1/requests/{id}', { pathParameters: { id: request.id }, headers: as(BILLING_APPROVER) }),
      404,
    );
    const listed = await call(apiEvent('GET', '/v1/requests', { headers: as(OTHER_REQUESTER) }));
    expect(listed.body).toEqual({ items: [], nextToken: null });
    expect((await call(decide('approve', request.id, as(APPROVER)))).body?.status).toBe('ACTIVE');
    await refused(decide('revoke', request.id, as(OTHER_REQUESTER)), 404);
    await refused(decide('revoke', request.id, as(BILLING_APPROVER)), 404);
  });

  it('admin endpoints are for admins', async () => {
    const { refused } = await setup();
    for (const path of ['/v1/admin/sweep', '/v1/admin/reconcile'])
      await refused(apiEvent('POST', path, { headers: as(APPROVER) }), 403);
    await refused(
      apiEvent('PUT', '/v1/allowlist/{entryId}', {
        pathParameters: { entryId: 'x' },
        body: openEntry(),
        headers: as(REQUESTER),
      }),
      403,
    );
  });
});

describe('confused deputy', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'S3 without a source account',
      { principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads' },
      'sourceAccount',
    ],
    [
      'a source account that is not the source’s',
      {
        principal: 'sns.amazonaws.com',
        sourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:orders-t`,
        sourceAccount: OTHER_ACCOUNT,
      },
      'sourceAccount',
    ],
    [
      'a wildcard API id',
      { principal: 'apigateway.amazonaws.com', sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:*/prod/*` },
      'sourceArn',
    ],
    [
      'another service’s ARN',
      { principal: 'events.amazonaws.com', sourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:orders-t` },
      'sourceArn',
    ],
    ['no source ARN at all', { principal: 'sns.amazonaws.com' }, 'sourceArn'],
    ['a public principal with no organization', { principal: '*' }, 'principalOrgId'],
  ])('refuses %s with 400, storing nothing', async (_name, ask, field) => {
    const { refused } = await setup();
    const res = await refused(
      apiEvent('POST', '/v1/requests', { body: { ...baseAsk, ...ask }, headers: as(REQUESTER) }),
      400,
    );
    expect(res.body?.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('refuses a source in an account the allowlist does not name', async () => {
    const { refused } = await setup();
    const ask = { principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:${REGION}:${OTHER_ACCOUNT}:orders-t` };
    await refused(apiEvent('POST', '/v1/requests', { body: { ...baseAsk, ...ask }, headers: as(REQUESTER) }), 403);
  });
});

describe('input limits', () => {
  it('refuses oversized bodies and control characters', async () => {
    const { refused } = await setup();
    await refused(
      apiEvent('POST', '/v1/requests', {
        body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask, reason: 'x'.repeat(70_000) },
        headers: as(REQUESTER),
      }),
      413,
    );
    for (const reason of ['orders fan-out \u0000 null', 'orders fan-out \u001b[31m red', 'orders \u202e tuo-naf']) {
      await refused(
        apiEvent('POST', '/v1/requests', {
          body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask, reason },
          headers: as(REQUESTER),
        }),
        400,
      );
    }
  });
});

describe('issue #15: attacks on v1', () => {
  const INJECTION = '```<!channel><https://evil.example|APPROVE-SAFE>';

  it('finding 3 — pattern blow-up: a dry run whose sourceArn ends in 400 slashes is answered in milliseconds', async () => {
    const { app, refused } = await setup();
    const prefix = `arn:aws:execute-api:${REGION}:${ACCOUNT}:`;
    await app.allowlist.put(who(ADMIN), 'orders', openEntry({ sourceArns: [`${prefix}*/*/*/*/orders`] }));
    const started = performance.now();
    const res = await refused(
      apiEvent('POST', '/v1/requests', {
        body: { ...baseAsk, principal: OTHER_ACCOUNT, sourceArn: prefix + '/'.repeat(400) },
        headers: as(REQUESTER),
        query: { dryRun: 'true' },
      }),
      403,
    );
    const elapsed = performance.now() - started;
    expect(res.body?.error.details[0].path).toBe('sourceArn');
    // v1 took seconds here (15 s at 450 characters), holding every other request behind it.
    expect(elapsed).toBeLessThan(250);
  });

  it.each<[string, Record<string, unknown>]>([
    [
      'sourceArn',
      { principal: OTHER_ACCOUNT, sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5/${INJECTION}` },
    ],
    ['eventSourceArn', { eventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:order-${INJECTION}` }],
    ['functionName', { principal: OTHER_ACCOUNT, functionName: `order-${INJECTION}` }],
  ])('finding 5 — Slack text injection: Slack markup in %s is refused with 400 naming it', async (field, ask) => {
    const { refused } = await setup();
    const res = await refused(
      apiEvent('POST', '/v1/requests', { body: { ...baseAsk, ...ask }, headers: as(REQUESTER) }),
      400,
    );
    expect(res.body?.error.details).toEqual([
      { path: field, message: expect.stringContaining('no AWS resource name') },
    ]);
  });

  describe('finding 7 — invalid UTF-8 in a JSON body is refused with 400 naming (body)', () => {
    /** A valid create body whose reason holds `inner` (raw text) in its middle. */
    const body = (inner: string) =>
      JSON.stringify({ ...baseAsk, ...PRINCIPAL_CASES[2].ask, reason: 'orders fan-out #' }).replace('#', inner);
    const withBytes = (bytes: number[]) => {
      const [head, tail] = body('#').split('#') as [string, string];
      return Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
    };
    const create = (text: string, isBase64Encoded: boolean) => ({
      ...apiEvent('POST', '/v1/requests', { body: text, headers: as(REQUESTER) }),
      isBase64Encoded,
    });

    it.each<[string, number[]]>([
      ['a lone continuation byte', [0x80]],
      ['a truncated two-byte sequence', [0xc3]],
      ['an overlong encoding of /', [0xc0, 0xaf]],
      ['an encoded surrogate', [0xed, 0xa0, 0x80]],
      ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
      ['a byte UTF-8 never uses', [0xff]],
    ])('base64 body (API Gateway binary): %s', async (_name, bytes) => {
      const { refused } = await setup();
      const res = await refused(create(withBytes(bytes).toString('base64'), true), 400);
      expect(res.body?.error.details).toEqual([{ path: '(body)', message: 'is not valid UTF-8' }]);
    });

    it.each([
      ['a lone surrogate, which no UTF-8 decoder produces', '\uD800'],
      ['U+FFFD, the mark a lossy decode leaves', '\uFFFD'],
    ])('string body (API Gateway decoded): %s', async (_name, inner) => {
      const { refused } = await setup();
      const res = await refused(create(body(inner), false), 400);
      expect(res.body?.error.details).toEqual([{ path: '(body)', message: expect.stringContaining('UTF-8') }]);
    });

    it('accepts valid UTF-8 either way, and U+FFFD written as a JSON escape', async () => {
      const { call } = await setup();
      const text = body('für \u{1F4E6}');
      expect((await call(create(Buffer.from(text).toString('base64'), true))).status).toBe(201);
      expect((await call(create(text, false))).status).toBe(201);
      expect((await call(create(body('\\ufffd'), false))).status).toBe(201);
    });

    it('keeps a byte-order mark as text, as before the fatal decoder: such a body is not JSON', async () => {
      const { refused } = await setup();
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), withBytes([])]).toString('base64');
      const res = await refused(create(bom, true), 400);
      expect(res.body?.error.details).toEqual([{ path: '(body)', message: 'is not valid JSON' }]);
    });
  });
});

/**
 * Hostile input, generated: bodies (as text and as bytes that are not UTF-8), headers, path and query parameters,
 * Slack payloads. Whatever arrives, the API never answers 5xx, and an input it refuses (4xx) changes nothing.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext, newRequest } from '../../support/in-memory-app';
import { FUZZ_RUNS as RUNS, invalidInsertions, slackText, withInvalidBytes } from './generators';

const SECRET = 'fuzz-signing-secret';
const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];

async function world() {
  const ctx = inMemoryApp({ SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'http://127.0.0.1:9/api' });
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  const request = await newRequest(ctx.app);
  const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
  const snapshot = () =>
    JSON.stringify([
      [...ctx.store.requests],
      [...ctx.store.claims],
      [...ctx.allowlist.entries],
      [...ctx.policies.policies],
    ]);
  return { ...ctx, request, handler, snapshot };
}

/** Sends one event; fails the property on a 5xx, or on a state change after a refusal. */
async function probe(w: Awaited<ReturnType<typeof world>>, event: Parameters<typeof w.handler>[0]): Promise<number> {
  const before = w.snapshot();
  const response = await w.handler(event, lambdaContext);
  if (response.statusCode >= 500) throw new Error(`5xx for ${JSON.stringify(event).slice(0, 500)}: ${response.body}`);
  if (response.statusCode >= 400 && w.snapshot() !== before)
    throw new Error(`refused input changed state: ${response.statusCode}`);
  JSON.parse(response.body || '{}');
  return response.statusCode;
}

const anyJson = fc.jsonValue({ maxDepth: 4 });
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    '*',
    '$LATEST',
    '../../etc/passwd',
    '<!channel>',
    '\u202e',
    '__proto__',
    'constructor',
    'arn:aws:iam::*:role/*',
    '%00',
    '',
  ),
  fc.stringMatching(/^arn:aws:[a-z*-]{0,12}:[a-z0-9*-]{0,12}:[0-9*]{0,12}:[\w*/:.-]{0,30}$/),
  slackText,
  slackText.map((t) => `arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/${t}`),
);
const askField = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), anyJson);
const hostileAsk = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      ...Object.keys({
        ...baseAsk,
        principal: 1,
        sourceArn: 1,
        sourceAccount: 1,
        principalOrgId: 1,
        eventSourceArn: 1,
        batchSize: 1,
        qualifier: 1,
        ticket: 1,
      }),
    ),
    fc.string({ maxLength: 12 }),
  ),
  askField,
  { maxKeys: 12 },
);

describe('hostile input never yields a 5xx or changes state when refused', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world();
  });

  it('create-request bodies, raw bodies and media types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileAsk.map((a) => ({ ...baseAsk, ...a })),
          hostileAsk,
          fc.string({ unit: 'binary', maxLength: 200 }),
          anyJson,
        ),
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          '',
        ),
        fc.boolean(),
        async (body, contentType, dryRun) => {
          const raw = typeof body === 'string' ? body : JSON.stringify(body);
          await probe(
            w,
            apiEvent('POST', '/v1/requests', {
              body: raw,
              headers: { 'X-Broker-Principal': REQUESTER, 'Content-Type': contentType },
              ...(dryRun ? { query: { dryRun: 'true' } } : {}),
            }),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('bodies that are not UTF-8: 400 naming (body), however they arrive', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileAsk.map((a) => JSON.stringify({ ...baseAsk, ...PRINCIPAL_CASES[2].ask, ...a })),
          fc.string({ unit: 'binary', maxLength: 200 }),
        ),
        invalidInsertions,
        fc.constantFrom('/v1/requests', '/v1/slack/interactions'),
        async (text, insertions, path) => {
          const event = apiEvent('POST', path, {
            body: withInvalidBytes(text, insertions).toString('base64'),
            headers: { 'X-Broker-Principal': REQUESTER },
          });
          const before = w.snapshot();
          const response = await w.handler({ ...event, isBase64Encoded: true }, lambdaContext);
          expect(response.statusCode).toBe(400);
          expect(JSON.parse(response.body).error.details[0].path).toBe('(body)');
          expect(w.snapshot()).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('identity and idempotency headers', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, fc.option(hostileString), async (principal, key) => {
        await probe(
          w,
          apiEvent('POST', '/v1/requests', {
            body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask, reason: 'fuzzed identity header' },
            headers: { 'X-Broker-Principal': principal, ...(key === null ? {} : { 'Idempotency-Key': key }) },
          }),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('path and query parameters on every route', async () => {
    const routes = [
      ['GET', '/v1/requests/{id}', 'id'],
      ['POST', '/v1/requests/{id}/approve', 'id'],
      ['POST', '/v1/requests/{id}/reject', 'id'],
      ['POST', '/v1/requests/{id}/cancel', 'id'],
      ['POST', '/v1/requests/{id}/revoke', 'id'],
      ['GET', '/v1/allowlist/{entryId}', 'entryId'],
      ['PUT', '/v1/allowlist/{entryId}', 'entryId'],
      ['DELETE', '/v1/allowlist/{entryId}', 'entryId'],
      ['GET', '/v1/requests', null],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(hostileString, fc.constant('use-real-id')),
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('status', 'limit', 'nextToken', 'functionName', 'dryRun'),
            fc.string({ maxLength: 8 }),
          ),
          hostileString,
          { maxKeys: 4 },
        ),
        fc.constantFrom(REQUESTER, APPROVER, ADMIN),
        fc.option(anyJson),
        async ([method, resource, param], value, query, principal, body) => {
          const id = value === 'use-real-id' ? w.request.id : value;
          await probe(
            w,
            apiEvent(method, resource, {
              ...(param ? { pathParameters: { [param]: id } } : {}),
              query,
              headers: { 'X-Broker-Principal': principal },
              ...(body === null ? {} : { body: JSON.stringify(body) }),
            }),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('allowlist entries from an admin', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(...Object.keys(openEntry()), 'id', 'extra'),
          fc.oneof(askField, fc.array(hostileString, { maxLength: 4 })),
        ),
        async (patch) => {
          const body = { ...openEntry(), ...patch };
          // probe fails the property on a 5xx, and on a refusal that changed the allowlist (or anything else).
          await probe(
            w,
            apiEvent('PUT', '/v1/allowlist/{entryId}', {
              pathParameters: { entryId: 'fuzz' },
              body,
              headers: { 'X-Broker-Principal': ADMIN },
            }),
          );
          await w.app.allowlist.delete(who(ADMIN), 'fuzz').catch(() => undefined);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('Slack payloads, signed and unsigned', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyJson,
          fc.record({
            type: fc.constant('block_actions'),
            user: fc.record({ id: hostileString }),
            actions: fc.array(fc.record({ action_id: hostileString, value: hostileString }), { maxLength: 3 }),
          }),
        ),
        fc.boolean(),
        fc.boolean(),
        async (payload, sign, formEncode) => {
          const body = formEncode ? `payload=${encodeURIComponent(JSON.stringify(payload))}` : JSON.stringify(payload);
          const timestamp = String(Math.floor(w.clock.now().getTime() / 1000));
          const mac = createHmac('sha256', sign ? SECRET : 'wrong')
            .update(`v0:${timestamp}:${body}`)
            .digest('hex');
          const status = await probe(
            w,
            apiEvent('POST', '/v1/slack/interactions', {
              body,
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'x-slack-request-timestamp': timestamp,
                'x-slack-signature': `v0=${mac}`,
              },
            }),
          );
          // A literal U+FFFD is refused as a lossy decode's mark before the signature is read.
          if (!sign) expect(status).toBe(body.includes('\uFFFD') ? 400 : 401);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/**
 * Every command's call against a fake broker over a real 127.0.0.1 socket: method, path and body as API.md says,
 * including the v2 endpoints that main does not serve yet; errors on stderr while stdout stays parseable.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../cli/main';
import { captureIo } from '../support/cli-io';
import { startFakeBroker, type FakeBroker } from '../support/fake-broker';
import { apiRequest } from '../support/request-fixture';

const AS = 'arn:aws:iam::123456789012:role/broker-admin';
let broker: FakeBroker;
let dir: string;

beforeAll(async () => {
  broker = await startFakeBroker();
  dir = await mkdtemp(path.join(tmpdir(), 'lpb-cmd-'));
});
afterAll(async () => {
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  broker.calls.length = 0;
  broker.answer(() => ({ status: 200, body: { ok: true } }));
});

const lpb = (argv: string[], io = captureIo()) =>
  run([...argv, '--url', broker.url, '--as', AS], io).then((code) => ({ code, io }));

it.each([
  [
    ['extend', 'r-1', '--duration', '2h', '--reason', 'release weekend', '--ticket', 'OPS-9'],
    'POST',
    '/v1/requests/r-1/extend',
    { durationSeconds: 7200, reason: 'release weekend', ticket: 'OPS-9' },
  ],
  [['catalog'], 'GET', '/v1/catalog', undefined],
  [['reconcile'], 'POST', '/v1/admin/reconcile', {}],
  [['reconcile', '--cursor', 'eyJmcm9tIjoi'], 'POST', '/v1/admin/reconcile?cursor=eyJmcm9tIjoi', {}],
  [['discover'], 'GET', '/v1/admin/discover', undefined],
  [['discover', '--limit', '5', '--next-token', 'abc'], 'GET', '/v1/admin/discover?limit=5&nextToken=abc', undefined],
  [
    [
      'adopt',
      '--function-arn',
      'arn:aws:lambda:us-east-1:123456789012:function:f',
      '--statement-id',
      'legacy-1',
      '--duration',
      '7d',
      '--reason',
      'bring it under management',
      '--qualifier',
      'live',
    ],
    'POST',
    '/v1/admin/adopt',
    {
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      qualifier: 'live',
      statementId: 'legacy-1',
      durationSeconds: 604800,
      reason: 'bring it under management',
    },
  ],
  [['allowlist', 'list'], 'GET', '/v1/allowlist', undefined],
  [['allowlist', 'get', 'orders'], 'GET', '/v1/allowlist/orders', undefined],
  [['allowlist', 'delete', 'orders'], 'DELETE', '/v1/allowlist/orders', undefined],
  [['allowlist', 'impact', 'orders', '--delete'], 'GET', '/v1/allowlist/orders/impact', undefined],
  [
    ['list', '--status', 'ACTIVE', '--function', 'order-processor', '--limit', '5'],
    'GET',
    '/v1/requests?status=ACTIVE&functionName=order-processor&limit=5',
    undefined,
  ],
  [['reject', 'r-1', '--comment', 'use the queue'], 'POST', '/v1/requests/r-1/reject', { comment: 'use the queue' }],
  [['revoke', 'r-1'], 'POST', '/v1/requests/r-1/revoke', {}],
  [['cancel', 'r 1'], 'POST', '/v1/requests/r%201/cancel', {}],
])('%j sends %s %s', async (argv, method, url, body) => {
  const { code } = await lpb(argv);
  expect(code).toBe(0);
  expect(broker.calls).toHaveLength(1);
  expect(broker.calls[0]).toMatchObject({ method, url });
  expect(broker.calls[0]?.body).toEqual(body);
  expect(broker.calls[0]?.headers['x-broker-principal']).toBe(AS);
});

it('puts and previews an allowlist entry from a file or from standard input', async () => {
  const file = path.join(dir, 'entry.json');
  await writeFile(file, '{"description": "orders", "requiredApprovals": 2}');
  expect((await lpb(['allowlist', 'put', 'orders', '--file', file])).code).toBe(0);
  expect((await lpb(['allowlist', 'impact', 'orders'], captureIo({ stdin: '{"autoApprove": true}' }))).code).toBe(0);
  expect(broker.calls.map((c) => [c.method, c.url, c.body])).toEqual([
    ['PUT', '/v1/allowlist/orders', { description: 'orders', requiredApprovals: 2 }],
    ['POST', '/v1/allowlist/orders/impact', { autoApprove: true }],
  ]);
});

it('refuses broken JSON input with its position and sends nothing', async () => {
  const { code, io } = await lpb(
    ['allowlist', 'put', 'orders'],
    captureIo({ stdin: '{\n  "requiredApprovals": 2,\n}' }),
  );
  expect(code).toBe(1);
  expect(io.stderr).toMatch(/standard input is not valid JSON: line 3, column 1 .*trailing comma/);
  expect(broker.calls).toHaveLength(0);
});

it('approves pinned to the statement it shows, and keeps the pin the user gives', async () => {
  const request = apiRequest();
  broker.answer((call) => ({ status: 200, body: call.method === 'GET' ? request : { ...request, status: 'ACTIVE' } }));
  const shown = await lpb(['approve', 'r-1', '--comment', 'ok']);
  expect(shown.code).toBe(0);
  expect(shown.io.stderr).toContain(`statementHash ${request.statementHash}`);
  expect(broker.calls[1]).toMatchObject({
    method: 'POST',
    url: '/v1/requests/r-1/approve',
    body: { comment: 'ok', statementHash: request.statementHash },
  });

  broker.calls.length = 0;
  expect((await lpb(['approve', 'r-1', '--statement-hash', 'b'.repeat(64)])).code).toBe(0);
  expect(broker.calls.map((c) => [c.method, c.body])).toEqual([['POST', { statementHash: 'b'.repeat(64) }]]);

  // An approval step named (docs/api.md, Approval steps) travels with the pin.
  broker.calls.length = 0;
  expect((await lpb(['approve', 'r-1', '--statement-hash', 'b'.repeat(64), '--step', 'security'])).code).toBe(0);
  expect(broker.calls.map((c) => c.body)).toEqual([{ statementHash: 'b'.repeat(64), step: 'security' }]);
});

it('asks for a grant that starts later with --starts-at', async () => {
  broker.answer(() => ({ status: 201, body: apiRequest({ status: 'PENDING' }) }));
  const argv = ['create', '--function', 'f', '--principal', 'sns.amazonaws.com', '--duration', '1h'];
  const starts = ['--reason', 'release window on saturday', '--starts-at', '2026-12-12T08:00:00Z'];
  expect((await lpb([...argv, ...starts])).code).toBe(0);
  expect(broker.calls[0]?.body).toMatchObject({ durationSeconds: 3600, startsAt: '2026-12-12T08:00:00Z' });
});

/** How a broker from before approvals were pinned (v2) answers a body with statementHash. */
const REFUSES_STATEMENT_HASH = {
  status: 400,
  body: {
    error: {
      code: 'ValidationError',
      message: 'invalid',
      details: [{ path: 'statementHash', message: 'is not a known field' }],
    },
  },
};

it('answers 409 without approving when a broker that cannot pin shows a changed statement', async () => {
  // A broker from before approvals were pinned (v2) refuses the unknown field; the client compares the hash itself.
  const request = apiRequest();
  broker.answer((call) => (call.method === 'POST' ? REFUSES_STATEMENT_HASH : { status: 200, body: request }));
  const { code, io } = await lpb(['approve', 'r-1', '--statement-hash', 'c'.repeat(64)]);
  expect(code).toBe(2);
  expect(io.stderr).toMatch(/Conflict \(409\): the statement changed/);
  expect(broker.calls.filter((c) => c.method === 'POST')).toHaveLength(1);

  broker.calls.length = 0;
  broker.answer((call) =>
    call.method === 'POST' && (call.body as { statementHash?: string }).statementHash
      ? REFUSES_STATEMENT_HASH
      : { status: 200, body: call.method === 'GET' ? request : { ...request, status: 'ACTIVE' } },
  );
  expect((await lpb(['approve', 'r-1', '--statement-hash', request.statementHash])).code).toBe(0);
  expect(broker.calls.at(-1)).toMatchObject({ method: 'POST', body: {} });
});

it("prints the API's error on stderr and its JSON on stdout, exiting 2 on 4xx and 3 on 5xx", async () => {
  broker.answer(() => ({
    status: 409,
    body: {
      error: {
        code: 'Conflict',
        message: 'already extended 3 times',
        details: [{ path: 'id', message: 'maxExtensions' }],
      },
    },
  }));
  const refused = await lpb(['extend', 'r-1', '--duration', '1h', '--reason', 'more time please']);
  expect(refused.code).toBe(2);
  expect(refused.io.stderr).toContain('lpb extend: Conflict (409): already extended 3 times — id: maxExtensions');
  expect(JSON.parse(refused.io.stdout)).toMatchObject({ error: { code: 'Conflict' } });

  broker.answer(() => ({ status: 503, body: { error: { code: 'Unavailable', message: 'try again' } } }));
  expect((await lpb(['catalog'])).code).toBe(3);
});

describe('without --as against a local URL', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('signs with the credential chain and hints --as when the broker answers 401', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_PROFILE: '' });
    broker.answer(() => ({ status: 401, body: { error: { code: 'Unauthenticated', message: 'no identity' } } }));
    const io = captureIo({ tty: true });
    expect(await run(['list', '--url', broker.url], io)).toBe(2);
    expect(broker.calls[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    expect(io.stderr).toContain('Unauthenticated (401): no identity');
    expect(io.stderr).toContain('hint: the local runner takes its caller from a header: add --as');
    expect(io.stdout).toBe('');
  });

  it('says no credentials were found, and hints --as, without calling the broker', async () => {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
      delete process.env[key];
    // No files, no instance metadata: the chain must fail here, and never reach beyond 127.0.0.1.
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
      AWS_CONFIG_FILE: path.join(dir, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const io = captureIo();
    expect(await run(['list', '--url', broker.url], io)).toBe(3);
    expect(io.stderr).toMatch(/lpb list: no AWS credentials to sign with/);
    expect(io.stderr).toContain('hint: the local runner takes its caller from a header');
    expect(broker.calls).toHaveLength(0);
  });
});

it('takes global flags before the command too', async () => {
  const io = captureIo();
  expect(await run(['--url', broker.url, '--as', AS, '-o', 'json', 'allowlist', 'get', 'orders'], io)).toBe(0);
  expect(broker.calls[0]).toMatchObject({ method: 'GET', url: '/v1/allowlist/orders' });
  expect(JSON.parse(io.stdout)).toEqual({ ok: true });
});

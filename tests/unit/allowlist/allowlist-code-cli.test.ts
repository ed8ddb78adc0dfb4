/**
 * `lpb allowlist plan | apply | changes | approve | reject` against a fake broker over a 127.0.0.1 socket
 * (docs/allowlist-as-code.md): plan's exit codes, apply's conditions and what it says of proposals under the
 * two-person rule, and the calls of the proposal commands.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../../cli/main';
import { captureIo } from '../../support/cli-io';
import { startFakeBroker, type FakeBroker } from '../../support/fake-broker';
import { openEntry } from '../../support/fixtures';

const AS = 'arn:aws:iam::123456789012:role/broker-admin';
let broker: FakeBroker;
let dir: string;

const stored = (id: string, version: number, overrides: Parameters<typeof openEntry>[0] = {}) => ({
  id,
  ...openEntry(overrides),
  maxExtensions: 3,
  sourceProof: 'warn',
  approverGroups: [],
  approvalSteps: [],
  maxStartDelaySeconds: 604800,
  version,
  updatedAt: '2026-12-07T00:00:00.000Z',
  updatedBy: AS,
});

beforeAll(async () => {
  broker = await startFakeBroker();
  dir = await mkdtemp(path.join(tmpdir(), 'lpb-code-'));
});
afterAll(async () => {
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  broker.calls.length = 0;
});

const lpb = async (argv: string[]) => {
  const io = captureIo();
  const code = await run([...argv, '--url', broker.url, '--as', AS], io);
  return { code, out: io.stdout, err: io.stderr };
};

/** The broker holds `orders` at version 4; previews answer no impact; writes answer `write`. */
function script(write: { status: number; body?: unknown }) {
  broker.answer((call) => {
    if (call.method === 'GET' && call.url === '/v1/allowlist')
      return { status: 200, body: { items: [stored('orders', 4)] } };
    if (call.url.endsWith('/impact'))
      return { status: 200, body: { kept: [], rematched: [], ended: [], warnings: [] } };
    return write;
  });
}

it('plans 0 when the files match, 2 when they do not, 1 when the API refuses', async () => {
  await writeFile(path.join(dir, 'orders.json'), JSON.stringify(openEntry()));
  script({ status: 500 });
  expect((await lpb(['allowlist', 'plan', '--dir', dir])).code).toBe(0);
  await writeFile(path.join(dir, 'orders.json'), JSON.stringify(openEntry({ maxDurationSeconds: 600 })));
  const changed = await lpb(['allowlist', 'plan', '--dir', dir]);
  expect(changed).toMatchObject({ code: 2, out: expect.stringContaining('maxDurationSeconds: 86400 → 600') });
  broker.answer(() => ({
    status: 403,
    body: { error: { code: 'Forbidden', message: 'only broker admins may manage the allowlist' } },
  }));
  const refused = await lpb(['allowlist', 'plan', '--dir', dir]);
  expect(refused).toMatchObject({ code: 1, err: expect.stringContaining('Forbidden (403)') });
});

it('exits 1, never another code, when there is no answer: a broker it cannot reach, a bad option', async () => {
  await writeFile(path.join(dir, 'orders.json'), JSON.stringify(openEntry()));
  for (const argv of [
    ['allowlist', 'plan', '--dir', dir, '--url', 'http://127.0.0.1:9', '--as', AS],
    ['allowlist', 'apply', '--dir', dir, '--url', 'http://127.0.0.1:9', '--as', AS],
    ['allowlist', 'export', '--dir', dir, '--format', 'toml', '--url', broker.url, '--as', AS],
  ]) {
    const io = captureIo();
    expect({ argv, code: await run(argv, io) }).toEqual({ argv, code: 1 });
    expect(io.stderr).toMatch(/^lpb allowlist (plan|apply|export): /);
  }
});

it('applies with If-Match on the version planned, and says when a write became a proposal', async () => {
  await writeFile(path.join(dir, 'orders.json'), JSON.stringify(openEntry({ maxDurationSeconds: 600 })));
  script({ status: 202, body: { id: 'change-1', status: 'PENDING' } });
  const applied = await lpb(['allowlist', 'apply', '--dir', dir]);
  expect(applied.code).toBe(0);
  expect(applied.out).toContain('orders: proposed as change change-1; another admin approves it');
  const put = broker.calls.find((c) => c.method === 'PUT');
  expect(put).toMatchObject({ url: '/v1/allowlist/orders', headers: { 'if-match': '"4"' } });
  expect(put?.body).toMatchObject({ maxDurationSeconds: 600 });
  script({
    status: 412,
    body: { error: { code: 'PreconditionFailed', message: 'allowlist entry orders: is at version 5, not 4' } },
  });
  const stopped = await lpb(['allowlist', 'apply', '--dir', dir]);
  expect(stopped).toMatchObject({
    code: 1,
    err: expect.stringContaining('orders changed since the plan (planned against version 4)'),
  });
});

it.each([
  [['allowlist', 'changes'], 'GET', '/v1/allowlist/changes', undefined],
  [['allowlist', 'changes', '--status', 'PENDING'], 'GET', '/v1/allowlist/changes?status=PENDING', undefined],
  [
    ['allowlist', 'approve', 'c-1', '--comment', 'fine'],
    'POST',
    '/v1/allowlist/changes/c-1/approve',
    { comment: 'fine' },
  ],
  [['allowlist', 'reject', 'c-1'], 'POST', '/v1/allowlist/changes/c-1/reject', {}],
])('lpb %j calls %s %s', async (argv, method, url, body) => {
  broker.answer(() => ({ status: 200, body: { ok: true } }));
  expect((await lpb(argv)).code).toBe(0);
  expect(broker.calls).toEqual([expect.objectContaining({ method, url, body })]);
});

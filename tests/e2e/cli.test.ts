/** The requester CLI (bin/lpb.js) drives the whole lifecycle against the local runner, as a pipeline would. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createFunction, freshMoto, motoEndpoint, policyStatements, testClients } from '../support/aws';
import { ADMIN, APPROVER, REQUESTER, openEntry } from '../support/fixtures';
import { http, startRunner, type Runner } from '../support/runner';

const ROOT = path.resolve(__dirname, '../..');
let runner: Runner;
let clients: ReturnType<typeof testClients>;

function lpb(args: string[], as: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/lpb.js'), ...args], {
      env: { ...process.env, LPB_URL: runner.baseUrl, LPB_AS: as },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const SNS = ['--principal', 'sns.amazonaws.com', '--source-arn', 'arn:aws:sns:us-east-1:123456789012:orders-topic'];
const create = (...extra: string[]) =>
  lpb(
    [
      'create',
      '--function',
      'order-processor',
      ...SNS,
      '--duration',
      '1h',
      '--reason',
      'orders topic fan-out',
      ...extra,
    ],
    REQUESTER,
  );

beforeAll(async () => {
  clients = await freshMoto('cli-broker');
  await createFunction(clients, 'order-processor');
  runner = await startRunner({
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: 'cli-broker',
    BROKER_ADMINS: ADMIN,
    BROKER_SWEEP_INTERVAL_SECONDS: '3600',
  });
  expect(
    (await http(runner.baseUrl, 'PUT', '/v1/allowlist/orders', { principal: ADMIN, body: openEntry() })).status,
  ).toBe(200);
}, 90_000);

afterAll(async () => {
  await runner?.stop();
});

it('creates, waits, approves, lists and revokes through the CLI', async () => {
  const dry = await create('--dry-run');
  expect(dry.code).toBe(0);
  expect(JSON.parse(dry.stdout)).toMatchObject({ id: null, status: 'PENDING' });

  const waiting = create('--wait', '--poll-interval', '0.2');
  let pending: { id: string } | undefined;
  for (let i = 0; i < 50 && !pending; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const listed = await lpb(['list', '--status', 'PENDING'], APPROVER);
    pending = (JSON.parse(listed.stdout) as { items: { id: string }[] }).items[0];
  }
  expect(pending).toBeDefined();
  const approved = await lpb(['approve', pending!.id, '--comment', 'looks right'], APPROVER);
  expect(approved.code).toBe(0);
  const waited = await waiting;
  expect(waited.code).toBe(0);
  expect(waited.stderr).toContain(`${pending!.id}: PENDING (approvals 0/1)`);
  expect(waited.stderr).toContain(`${pending!.id}: ACTIVE (approvals 1/1)`);
  expect(JSON.parse(waited.stdout)).toMatchObject({ id: pending!.id, status: 'ACTIVE' });
  expect((await policyStatements(clients, 'order-processor')).map((s) => s.Sid)).toContain(`lpb-${pending!.id}`);

  const got = await lpb(['get', pending!.id], REQUESTER);
  expect(JSON.parse(got.stdout)).toMatchObject({ status: 'ACTIVE' });
  const revoked = await lpb(['revoke', pending!.id, '--reason', 'done'], REQUESTER);
  expect(revoked.code).toBe(0);
  expect(JSON.parse(revoked.stdout)).toMatchObject({ status: 'REVOKED' });
  expect((await policyStatements(clients, 'order-processor')).map((s) => s.Sid)).not.toContain(`lpb-${pending!.id}`);
}, 60_000);

it('exits 2 when the API refuses, 4 when a waited request ends without becoming ACTIVE', async () => {
  const refused = await lpb(['approve', '00000000-0000-4000-8000-000000000000'], APPROVER);
  expect(refused.code).toBe(2);
  expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'NotFound' } });

  const created = JSON.parse((await create()).stdout) as { id: string };
  const waiting = lpb(['get', created.id, '--wait', '--poll-interval', '0.2'], REQUESTER);
  await new Promise((r) => setTimeout(r, 500));
  expect((await lpb(['reject', created.id, '--comment', 'use the queue'], APPROVER)).code).toBe(0);
  const waited = await waiting;
  expect(waited.code).toBe(4);
  expect(JSON.parse(waited.stdout)).toMatchObject({ status: 'REJECTED' });
}, 60_000);

it('exits 1 on a usage error and 3 when the API is unreachable', async () => {
  expect((await lpb(['create', '--function', 'x'], REQUESTER)).code).toBe(1);
  const down = await new Promise<{ code: number | null }>((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/lpb.js'), 'get', 'abc'], {
      env: { ...process.env, LPB_URL: 'http://127.0.0.1:1', LPB_AS: REQUESTER },
    });
    child.on('exit', (code) => resolve({ code }));
  });
  expect(down.code).toBe(3);
});

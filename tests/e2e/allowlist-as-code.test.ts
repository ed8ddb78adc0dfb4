/**
 * The allowlist as code against the local runner (docs/allowlist-as-code.md): export → plan (exit 0) → edit a file and
 * add one → plan (exit 2, the diff names the fields, warnings and live grants shown) → apply → plan (exit 0); a change
 * made between plan and apply stops apply at 412, naming the entry; YAML and JSON files both work. And the audit
 * trail of it all, read with `lpb audit`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { run } from '../../cli/main';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createFunction, createQueue, freshMoto, motoEndpoint, testClients } from '../support/aws';
import { captureIo } from '../support/cli-io';
import { ADMIN, APPROVER, REQUESTER, openEntry } from '../support/fixtures';
import { http, startRunner, type Runner } from '../support/runner';

jest.setTimeout(60_000);

const TABLE = 'code-broker';
const AUDITOR = 'arn:aws:iam::123456789012:role/security-auditor';
let runner: Runner;
let dir: string;

async function lpb(argv: string[], as = ADMIN) {
  const io = captureIo({ env: { LPB_URL: runner.baseUrl, LPB_AS: as } });
  const code = await run(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

const file = (name: string) => path.join(dir, name);
async function editYaml(name: string, change: (entry: Record<string, unknown>) => void): Promise<void> {
  const entry = load(await readFile(file(name), 'utf8')) as Record<string, unknown>;
  change(entry);
  await writeFile(file(name), dump(entry));
}

beforeAll(async () => {
  const clients = await freshMoto(TABLE);
  await createFunction(clients, 'order-processor');
  runner = await startRunner({
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: TABLE,
    BROKER_ADMINS: ADMIN,
    BROKER_AUDITORS: AUDITOR,
    BROKER_SWEEP_INTERVAL_SECONDS: '3600',
  });
  // A rule on the bus the runner made, with an SQS target, as a security team would subscribe.
  const events = new EventBridgeClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  const queueArn = await createQueue(clients, 'runner-audit');
  const rule = { Name: 'everything', EventBusName: 'lambda-permission-broker' };
  await events.send(
    new PutRuleCommand({ ...rule, EventPattern: JSON.stringify({ source: ['lambda-permission-broker'] }) }),
  );
  await events.send(
    new PutTargetsCommand({ Rule: rule.Name, EventBusName: rule.EventBusName, Targets: [{ Id: 'q', Arn: queueArn }] }),
  );
  for (const [id, entry] of [
    ['orders', openEntry()],
    [
      'billing',
      openEntry({
        description: 'billing team',
        functions: ['arn:aws:lambda:us-east-1:123456789012:function:billing-*'],
        maxDurationSeconds: 7200,
      }),
    ],
  ] as const) {
    expect((await http(runner.baseUrl, 'PUT', `/v1/allowlist/${id}`, { principal: ADMIN, body: entry })).status).toBe(
      200,
    );
  }
  dir = await mkdtemp(path.join(tmpdir(), 'lpb-allowlist-'));
}, 90_000);

afterAll(async () => {
  await runner?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('exports, plans nothing, plans an edit and a new entry field by field, applies it, then plans nothing', async () => {
  const exported = await lpb(['allowlist', 'export', '--dir', dir]);
  expect(exported.code).toBe(0);
  expect(exported.out.trim().split('\n').sort()).toEqual([file('billing.yaml'), file('orders.yaml')]);
  expect(await lpb(['allowlist', 'plan', '--dir', dir])).toMatchObject({
    code: 0,
    out: expect.stringContaining('nothing to do'),
  });

  // A live grant under orders: the plan shows what narrowing the entry does to it.
  const created = await http(runner.baseUrl, 'POST', '/v1/requests', {
    principal: REQUESTER,
    body: {
      functionName: 'order-processor',
      principal: 'sns.amazonaws.com',
      sourceArn: 'arn:aws:sns:us-east-1:123456789012:orders-topic',
      durationSeconds: 3600,
      reason: 'orders topic fan-out to the processor',
    },
  });
  expect(created.status).toBe(201);
  const requestId = (created.body as { id: string }).id;

  await editYaml('orders.yaml', (e) => {
    e.maxDurationSeconds = 1800;
    e.principals = ['events.amazonaws.com', '987654321098'];
  });
  await writeFile(
    file('payments.json'),
    JSON.stringify({
      ...openEntry({ description: 'payments' }),
      requesters: ['arn:aws:iam::123456789012:role/teams/payments/*'],
    }),
  );
  const plan = await lpb(['allowlist', 'plan', '--dir', dir]);
  expect(plan.code).toBe(2);
  expect(plan.out).toContain('~ orders: changed (version 1)');
  expect(plan.out).toContain('    maxDurationSeconds: 86400 → 1800');
  expect(plan.out).toMatch(/ {4}principals: -"sns\.amazonaws\.com" -"s3\.amazonaws\.com"/);
  expect(plan.out).toContain(`${requestId} ends REJECTED`);
  expect(plan.out).toContain(`+ payments: created from ${file('payments.json')}`);
  expect(plan.out).toMatch(/warning: requesters\.0/);
  expect(plan.out).toContain('  billing: unchanged (version 1)');
  expect(plan.out).toContain('plan: 1 to create, 1 to change, 0 to delete, 1 unchanged');

  const applied = await lpb(['allowlist', 'apply', '--dir', dir]);
  expect(applied).toMatchObject({ code: 0, out: expect.stringContaining('applied: 2 changes') });
  expect(applied.out).toContain('orders: changed, now version 2');
  const orders = await http(runner.baseUrl, 'GET', '/v1/allowlist/orders', { principal: ADMIN });
  expect(orders.body).toMatchObject({
    version: 2,
    maxDurationSeconds: 1800,
    principals: ['events.amazonaws.com', '987654321098'],
  });
  expect(await lpb(['allowlist', 'plan', '--dir', dir])).toMatchObject({ code: 0 });
  // What the plan said of the live grant comes true behind the answer (the entry's re-check).
  let status = '';
  for (let i = 0; i < 100 && status !== 'REJECTED'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = (await http(runner.baseUrl, 'GET', `/v1/requests/${requestId}`, { principal: ADMIN })).body.status;
  }
  expect(status).toBe('REJECTED');
});

it('stops apply at 412 when an entry changed between plan and apply, naming it and writing nothing after it', async () => {
  await editYaml('billing.yaml', (e) => (e.maxDurationSeconds = 3600));
  await editYaml('orders.yaml', (e) => (e.maxDurationSeconds = 900));
  const saved = path.join(dir, '..', `${path.basename(dir)}-plan.json`);
  expect((await lpb(['allowlist', 'plan', '--dir', dir, '--out', saved])).code).toBe(2);
  // Someone else changes billing after the plan was made.
  const other = await http(runner.baseUrl, 'PUT', '/v1/allowlist/billing', {
    principal: ADMIN,
    body: openEntry({
      description: 'changed by hand',
      functions: ['arn:aws:lambda:us-east-1:123456789012:function:billing-*'],
      maxDurationSeconds: 5400,
    }),
  });
  expect(other.status).toBe(200);
  const applied = await lpb(['allowlist', 'apply', '--dir', dir, '--plan', saved]);
  expect(applied.code).toBe(1);
  expect(applied.err).toContain('billing changed since the plan (planned against version 1)');
  const billing = await http(runner.baseUrl, 'GET', '/v1/allowlist/billing', { principal: ADMIN });
  expect(billing.body).toMatchObject({ version: 2, description: 'changed by hand' });
  // orders comes after billing: not written.
  const orders = await http(runner.baseUrl, 'GET', '/v1/allowlist/orders', { principal: ADMIN });
  expect(orders.body).toMatchObject({ version: 2, maxDurationSeconds: 1800 });
  // A saved plan fits only the files it was made from.
  await editYaml('orders.yaml', (e) => (e.maxDurationSeconds = 600));
  const stale = await lpb(['allowlist', 'apply', '--dir', dir, '--plan', saved]);
  expect(stale).toMatchObject({ code: 1, err: expect.stringContaining('plan again') });
  await rm(saved, { force: true });
});

it('deletes entries without a file only with --prune, and refuses a file the API would refuse (exit 1)', async () => {
  await rm(file('payments.json'));
  const kept = await lpb(['allowlist', 'plan', '--dir', dir]);
  expect(kept.out).toContain('payments: not in the directory (version 1); kept (--prune deletes it)');
  const pruning = await lpb(['allowlist', 'plan', '--dir', dir, '--prune']);
  expect(pruning).toMatchObject({ code: 2, out: expect.stringContaining('- payments: deleted (version 1)') });
  await writeFile(file('broken.yaml'), 'functions: [unclosed\n');
  const broken = await lpb(['allowlist', 'plan', '--dir', dir]);
  expect(broken).toMatchObject({ code: 1, err: expect.stringContaining('broken.yaml') });
  await writeFile(file('broken.yaml'), dump({ ...openEntry(), maxDurationSeconds: 'long' }));
  expect((await lpb(['allowlist', 'plan', '--dir', dir])).err).toMatch(/broken\.yaml: maxDurationSeconds: /);
  await rm(file('broken.yaml'));
});

it('shows the trail of it all to an auditor with lpb audit, and refuses a requester', async () => {
  // The trail is written behind the answers (the runner's audit reader): wait for the REJECTED to reach it.
  const trail = async () =>
    JSON.parse((await lpb(['audit', '--since', '1h', '-o', 'json'], AUDITOR)).out) as { event: string }[];
  for (let i = 0; i < 100 && !(await trail()).some((e) => e.event === 'REJECTED'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const csv = await lpb(['audit', '--since', '1h', '-o', 'csv'], AUDITOR);
  expect(csv.code).toBe(0);
  expect(csv.out.split('\r\n')[0]).toMatch(/^at,requestId,sequence,event,actor/);
  expect(csv.out).toContain(',CREATED,');
  const json = await lpb(['audit', '--since', '1h', '-o', 'json'], AUDITOR);
  const events = JSON.parse(json.out) as { event: string; at: string }[];
  expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['CREATED', 'REJECTED']));
  expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort());
  expect((await lpb(['audit'], REQUESTER)).code).toBe(2);
  expect((await lpb(['audit'], APPROVER)).code).toBe(2);
});

it('publishes from the runner to its own bus: a rule’s SQS target receives the allowlist changes with their actor', async () => {
  const sqs = testClients().sqs;
  const seen: { type: string; entryId: unknown; version: unknown; actor: unknown }[] = [];
  for (let i = 0; i < 100 && !seen.some((e) => e.entryId === 'payments'); i++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: `${motoEndpoint()}/123456789012/runner-audit`, MaxNumberOfMessages: 10 }),
    );
    for (const m of Messages) {
      const event = JSON.parse(m.Body ?? '{}') as { 'detail-type': string; detail: Record<string, unknown> };
      seen.push({
        type: event['detail-type'],
        ...(event.detail as { entryId: unknown; version: unknown; actor: unknown }),
      });
    }
    if (Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const entryEvents = seen.filter((e) => e.type.startsWith('Allowlist Entry'));
  expect(entryEvents.map((e) => [e.type, e.entryId, e.version, e.actor])).toEqual(
    expect.arrayContaining([
      ['Allowlist Entry Changed', 'orders', 1, ADMIN],
      ['Allowlist Entry Changed', 'orders', 2, ADMIN],
      ['Allowlist Entry Changed', 'payments', 1, ADMIN],
    ]),
  );
  expect(seen.some((e) => e.type === 'Grant Requested')).toBe(true);
});

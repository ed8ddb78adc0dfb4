/**
 * `lpb audit` (docs/audit.md, Reading the trail) against a fake broker over a 127.0.0.1 socket: the window it asks
 * for, every page followed, and the trail as JSON or CSV.
 */
import { run } from '../../../cli/main';
import { CSV_COLUMNS, csvField, timeArgument } from '../../../cli/commands/audit';
import { captureIo } from '../../support/cli-io';
import { startFakeBroker, type FakeBroker } from '../../support/fake-broker';

const AS = 'arn:aws:iam::123456789012:role/security-auditor';
const NOW = Date.parse('2026-12-07T12:00:00.000Z');
let broker: FakeBroker;

const item = (requestId: string, sequence: number, detail: Record<string, unknown> = {}) => ({
  at: `2026-12-07T0${sequence}:00:00.000Z`,
  requestId,
  sequence,
  event: sequence === 1 ? 'CREATED' : 'APPROVAL',
  actor: 'arn:aws:iam::123456789012:role/orders-ci',
  status: 'PENDING',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-processor',
  qualifier: null,
  principal: 'sns.amazonaws.com',
  sourceArn: null,
  eventSourceArn: null,
  statementId: `lpb-${requestId}`,
  statementHash: 'h',
  allowlistEntryId: 'orders',
  requester: 'arn:aws:iam::123456789012:role/orders-ci',
  requesterPerson: 'arn:aws:iam::123456789012:role/orders-ci',
  detail,
});

beforeAll(async () => {
  broker = await startFakeBroker();
});
afterAll(() => broker.close());
beforeEach(() => {
  broker.calls.length = 0;
  // Two pages: the second asked for with the first's token.
  broker.answer((call) =>
    call.url.includes('nextToken=p2')
      ? { status: 200, body: { items: [item('r2', 1, { comment: 'ok, "quoted", fine' })], nextToken: null } }
      : { status: 200, body: { items: [item('r1', 1), item('r1', 2)], nextToken: 'p2' } },
  );
});

const lpb = async (argv: string[]) => {
  const io = captureIo({ now: NOW });
  const code = await run([...argv, '--url', broker.url, '--as', AS], io);
  return { code, io };
};

it('asks for the last 24 hours by default and follows every page, printing one JSON array', async () => {
  const { code, io } = await lpb(['audit', '--output', 'json']);
  expect(code).toBe(0);
  expect(broker.calls.map((c) => c.url)).toEqual([
    '/v1/audit?since=2026-12-06T12%3A00%3A00.000Z&limit=100',
    '/v1/audit?since=2026-12-06T12%3A00%3A00.000Z&limit=100&nextToken=p2',
  ]);
  expect((JSON.parse(io.stdout) as { requestId: string }[]).map((i) => i.requestId)).toEqual(['r1', 'r1', 'r2']);
});

it('passes the window and filters on, and prints CSV with a header and quoted fields', async () => {
  const { code, io } = await lpb([
    'audit',
    '--since',
    '7d',
    '--until',
    '2026-12-07T06:00:00Z',
    '--function',
    'order-processor',
    '--requester',
    'alice',
    '-o',
    'csv',
  ]);
  expect(code).toBe(0);
  expect(broker.calls[0]?.url).toBe(
    '/v1/audit?since=2026-11-30T12%3A00%3A00.000Z&until=2026-12-07T06%3A00%3A00.000Z&functionName=order-processor&requester=alice&limit=100',
  );
  const lines = io.stdout.split('\r\n');
  expect(lines[0]).toBe(CSV_COLUMNS.join(','));
  expect(lines).toHaveLength(5);
  expect(lines[3]).toContain(',"{""comment"":""ok, \\""quoted\\"", fine""}"');
});

it('refuses csv for commands that do not print it, and a time it cannot read', async () => {
  expect((await lpb(['list', '-o', 'csv'])).code).toBe(1);
  const bad = await lpb(['audit', '--since', 'yesterday']);
  expect(bad.code).toBe(1);
  expect(bad.io.stderr).toMatch(/--since: "yesterday"/);
});

it('says what the API refused, on stderr', async () => {
  broker.answer(() => ({
    status: 403,
    body: { error: { code: 'Forbidden', message: 'only broker admins and auditors may read the audit trail' } },
  }));
  const { code, io } = await lpb(['audit']);
  expect(code).toBe(2);
  expect(io.stderr).toMatch(/Forbidden \(403\): only broker admins and auditors/);
});

it('reads times ago and ISO times, and quotes CSV fields only when needed', () => {
  expect(timeArgument('since', '90m', NOW)).toBe('2026-12-07T10:30:00.000Z');
  expect(timeArgument('since', '2026-12-01T00:00:00Z', NOW)).toBe('2026-12-01T00:00:00.000Z');
  expect(csvField('plain')).toBe('plain');
  expect(csvField(null)).toBe('');
  expect(csvField('a,b')).toBe('"a,b"');
  expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
});

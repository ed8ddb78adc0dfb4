/** What `lpb` prints: tables and summaries on a terminal, JSON otherwise; colour only on a terminal without NO_COLOR. */
import { run } from '../../cli/main';
import { catalogTable, discoverTable } from '../../cli/output/entry-views';
import { requestSummary, requestTable } from '../../cli/output/request-views';
import { paint } from '../../cli/output/paint';
import { relative } from '../../cli/output/time';
import { captureIo } from '../support/cli-io';
import { startFakeBroker, type FakeBroker } from '../support/fake-broker';
import { apiRequest } from '../support/request-fixture';

const AS = 'arn:aws:iam::123456789012:role/platform-approver';
const NOW = Date.parse('2026-11-27T12:30:00.000Z');
const ESC = '\x1b[';
let broker: FakeBroker;

const active = apiRequest({
  id: 'aaaaaaaa-0000-4000-8000-000000000001',
  status: 'ACTIVE',
  activatedAt: '2026-11-27T12:00:00.000Z',
  expiresAt: '2026-11-27T13:00:00.000Z',
});
const pending = apiRequest({
  id: 'aaaaaaaa-0000-4000-8000-000000000002',
  principal: '987654321098',
  qualifier: 'live',
});

beforeAll(async () => {
  broker = await startFakeBroker();
  broker.answer(() => ({ status: 200, body: { items: [active, pending], nextToken: null } }));
});
afterAll(() => broker.close());

const list = (io = captureIo({ now: NOW })) =>
  run(['list', '--url', broker.url, '--as', AS], io).then((code) => ({ code, io }));

describe('lpb list', () => {
  it('prints one line per request on a terminal: id, status, function, principal, expires', async () => {
    const { code, io } = await list(captureIo({ tty: true, now: NOW, env: { NO_COLOR: '1' } }));
    expect(code).toBe(0);
    expect(io.stdout.trimEnd().split('\n')).toEqual([
      'ID                                    STATUS   FUNCTION              PRINCIPAL          EXPIRES',
      'aaaaaaaa-0000-4000-8000-000000000001  ACTIVE   order-processor       sns.amazonaws.com  2026-11-27 13:00Z (in 30m)',
      'aaaaaaaa-0000-4000-8000-000000000002  PENDING  order-processor:live  987654321098       —',
    ]);
    expect(io.stdout).not.toContain(ESC);
  });

  it('colours statuses on a terminal unless NO_COLOR is set', async () => {
    const { io } = await list(captureIo({ tty: true, now: NOW }));
    expect(io.stdout).toContain(`${ESC}32mACTIVE${ESC}39m`);
    expect(io.stdout).toContain(`${ESC}33mPENDING${ESC}39m`);
  });

  it('prints the JSON when stdout is not a terminal, or with --output json', async () => {
    const piped = await list();
    expect(JSON.parse(piped.io.stdout)).toEqual({ items: [active, pending], nextToken: null });
    expect(piped.io.stdout).not.toContain(ESC);
    const io = captureIo({ tty: true });
    await run(['list', '--url', broker.url, '--as', AS, '--output', 'json'], io);
    expect(JSON.parse(io.stdout).items).toHaveLength(2);
    expect(io.stdout).not.toContain(ESC);
  });

  it('says so when there is nothing, and where the next page starts', () => {
    expect(requestTable({ items: [] }, NOW, paint(false))).toBe('no requests\n');
    expect(requestTable({ items: [pending], nextToken: 'abc' }, NOW, paint(false))).toContain('more: --next-token abc');
  });
});

describe('lpb discover on a terminal', () => {
  const found = {
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-processor',
    qualifier: null,
    statementId: 'team-open',
    statement: {},
    floorViolations: [{ path: 'sourceArn', message: 'is required for service principal sns.amazonaws.com' }],
    permittedBy: null,
  };

  it('shows each statement, where the next page starts and which accounts it could not reach', () => {
    const text = discoverTable(
      { items: [found], nextToken: 'abc', accountsUnreachable: ['222222222222'] },
      NOW,
      paint(false),
    );
    expect(text.trimEnd().split('\n')).toEqual([
      'FUNCTION                                                        STATEMENT  PERMITTED BY  SAFETY FLOOR',
      'arn:aws:lambda:us-east-1:123456789012:function:order-processor  team-open  no entry      is required for service principal sns.amazonaws.com',
      'not reached: accounts 222222222222',
      'more: --next-token abc',
    ]);
    expect(discoverTable({ items: [], nextToken: 'abc', accountsUnreachable: [] }, NOW, paint(false))).toBe(
      'no unmanaged statements\nmore: --next-token abc\n',
    );
  });
});

describe('lpb get on a terminal', () => {
  it('summarises every field, the statement with its size, and the history', () => {
    const text = requestSummary(
      {
        ...active,
        history: [
          ...active.history,
          { at: '2026-11-27T12:20:00.000Z', event: 'DRIFT', actor: 'broker', detail: { action: 'FLAGGED' } },
        ],
      },
      NOW,
      paint(false),
    );
    expect(text).toMatch(/^aaaaaaaa-0000-4000-8000-000000000001 {2}ACTIVE\n/);
    for (const line of [
      'function      order-processor  arn:aws:lambda:us-east-1:123456789012:function:order-processor',
      'source        arn:aws:sns:us-east-1:123456789012:orders-topic',
      'expires       2026-11-27 13:00Z (in 30m)',
      'ticket        OPS-1',
      `adds ${JSON.stringify(active.statement).length} bytes to the function's policy (limit 20,480`,
      '2026-11-27 12:20Z  DRIFT             broker  {"action":"FLAGGED"}',
    ]) {
      expect(text).toContain(line);
    }
  });
});

describe('times for people', () => {
  it.each([
    ['2026-11-27T12:30:02.000Z', 'now'],
    ['2026-11-27T12:30:40.000Z', 'in 40s'],
    ['2026-11-27T13:29:50.000Z', 'in 1h00m'],
    ['2026-11-27T15:00:00.000Z', 'in 2h30m'],
    ['2026-11-27T10:00:00.000Z', '2h30m ago'],
    ['2026-11-30T12:30:00.000Z', 'in 3d0h'],
  ])('%s is %s', (iso, text) => {
    expect(relative(iso, NOW)).toBe(text);
  });
});

describe('--wait', () => {
  it('prints each state change with the time since it began, then the final request', async () => {
    const states = ['PENDING', 'PENDING', 'APPROVED', 'ACTIVE'];
    let polls = 0;
    const waiting = await startFakeBroker();
    waiting.answer((call) => {
      if (call.method === 'POST') return { status: 200, body: { ...pending, status: 'PENDING' } };
      const status = states[Math.min(polls++, states.length - 1)] as string;
      return {
        status: 200,
        body: { ...pending, status, approvals: status === 'PENDING' ? [] : [{ approver: AS, at: 'x', comment: null }] },
      };
    });
    let clock = 0;
    const io = captureIo();
    io.now = () => (clock += 1500);
    try {
      const code = await run(
        ['approve', 'r-1', '--statement-hash', 'h', '--wait', '--url', waiting.url, '--as', AS],
        io,
      );
      expect(code).toBe(0);
    } finally {
      await waiting.close();
    }
    const lines = io.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^ +1\.5s {2}aaaaaaaa-0000-4000-8000-000000000002: PENDING \(approvals 0\/1\)$/),
      expect.stringMatching(/^ +\d+\.\ds {2}.*: APPROVED \(approvals 1\/1\)$/),
      expect.stringMatching(/^ +\d+\.\ds {2}.*: ACTIVE \(approvals 1\/1\)$/),
    ]);
    expect(JSON.parse(io.stdout)).toMatchObject({ status: 'ACTIVE' });
  });
});

describe('approval steps, groups and start times on a terminal', () => {
  it('shows the catalog’s steps and groups, and a request’s step progress and start', () => {
    const entry = {
      functions: ['f*'],
      principals: ['sns.amazonaws.com'],
      maxDurationSeconds: 3600,
      autoApprove: false,
    };
    const table = catalogTable(
      {
        items: [
          { ...entry, entryId: 'plain', requiredApprovals: 2, approverGroups: ['platform'] },
          {
            ...entry,
            entryId: 'stepped',
            requiredApprovals: 1,
            approvalSteps: [
              { name: 'owners', requiredApprovals: 1 },
              { name: 'security', requiredApprovals: 2 },
            ],
          },
        ],
      },
      NOW,
      paint(false),
    );
    expect(table).toContain('2 (groups: platform)');
    expect(table).toContain('owners 1 + security 2');
    const summary = requestSummary(
      apiRequest({
        status: 'SCHEDULED',
        startsAt: '2026-11-27T14:30:00.000Z',
        approvalSteps: [
          { name: 'owners', requiredApprovals: 1, counted: 1 },
          { name: 'security', requiredApprovals: 2, counted: 0 },
        ],
      }),
      NOW,
      paint(false),
    );
    expect(summary).toMatch(/approvals\s+owners 1\/1 · security 0\/2/);
    expect(summary).toMatch(/starts\s+2026-11-27 14:30Z \(in 2h00m\)/);
  });
});

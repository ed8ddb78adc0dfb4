/**
 * `lpb audit`: the audit trail across requests (admins and auditors; docs/audit.md, Reading the trail), every page of
 * the window, as a table, JSON (an array) or CSV (one row per history event, the event's own detail as JSON).
 */
import { UsageError } from '../argv';
import { str, withQuery, type ProgramCommand, type Values } from '../command';
import { describeApiError } from '../api/broker-request';
import { EXIT } from '../exit-codes';
import { formatTable } from '../output/table';
import { paint } from '../output/paint';

interface AuditItem {
  at: string;
  requestId: string;
  sequence: number;
  event: string;
  actor: string;
  status: string;
  functionArn: string;
  qualifier: string | null;
  principal: string | null;
  sourceArn: string | null;
  eventSourceArn: string | null;
  statementId: string;
  allowlistEntryId: string | null;
  requester: string;
  detail: Record<string, unknown>;
}

/** The CSV's columns, in order. */
export const CSV_COLUMNS = [
  'at',
  'requestId',
  'sequence',
  'event',
  'actor',
  'status',
  'functionArn',
  'qualifier',
  'principal',
  'sourceArn',
  'eventSourceArn',
  'statementId',
  'allowlistEntryId',
  'requester',
  'detail',
] as const;

/** `24h`, `90m`, `7d`, `3600` (seconds) before `now`, or an ISO-8601 time as is. */
export function timeArgument(flag: string, text: string, now: number): string {
  const relative = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (relative) {
    const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[relative[2] as '' | 's' | 'm' | 'h' | 'd'];
    return new Date(now - Number(relative[1]) * factor * 1000).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text))) return new Date(text).toISOString();
  throw new UsageError(`--${flag}: "${text}" is neither a time ago (24h, 90m, 7d) nor an ISO-8601 time`, 'audit');
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(items: readonly AuditItem[]): string {
  const rows = items.map((item) => CSV_COLUMNS.map((c) => csvField(item[c])).join(','));
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

function query(values: Values, now: number): Record<string, string> {
  const since = timeArgument('since', str(values.since) ?? '24h', now);
  const until = str(values.until);
  return {
    since,
    ...(until === undefined ? {} : { until: timeArgument('until', until, now) }),
    ...(str(values.function) === undefined ? {} : { functionName: str(values.function) as string }),
    ...(str(values.requester) === undefined ? {} : { requester: str(values.requester) as string }),
    limit: '100',
  };
}

export const audit: ProgramCommand = {
  summary: 'The audit trail across requests, oldest first (admins and auditors); --output csv for spreadsheets',
  usage: 'lpb audit [--since 24h] [--until T] [--function NAME] [--requester ARN] [--output text|json|csv]',
  args: [],
  outputs: ['csv'],
  options: {
    since: { type: 'string', description: 'from this long ago (24h, 90m, 7d) or this ISO time (default 24h)' },
    until: { type: 'string', description: 'up to this long ago or this ISO time (default now)' },
    function: { type: 'string', description: 'only events of this function (name or ARN)' },
    requester: { type: 'string', description: 'only requests of this requester (ARN or person)' },
  },
  run: async ({ client, values, io }) => {
    const output = str(values.output) ?? (io.stdoutIsTTY ? 'text' : 'json');
    const base = query(values, io.now());
    const items: AuditItem[] = [];
    let nextToken: string | null = null;
    do {
      const answer = await client.call('GET', withQuery('v1/audit', { ...base, ...(nextToken ? { nextToken } : {}) }));
      if (answer.status >= 400) {
        io.err(`lpb audit: ${describeApiError(answer.status, answer.body)}\n`);
        return answer.status >= 500 ? EXIT.FAILED : EXIT.REFUSED;
      }
      const page = answer.body as { items: AuditItem[]; nextToken: string | null };
      items.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken !== null);
    if (output === 'csv') io.out(toCsv(items));
    else if (output === 'json') io.out(`${JSON.stringify(items, null, 2)}\n`);
    else io.out(auditTable(items));
    return EXIT.OK;
  },
};

function auditTable(items: AuditItem[]): string {
  if (items.length === 0) return 'no events in this window\n';
  return formatTable(
    [
      { header: 'AT', cell: (i: AuditItem) => i.at },
      { header: 'REQUEST', cell: (i) => `${i.requestId}#${i.sequence}` },
      { header: 'EVENT', cell: (i) => i.event },
      { header: 'ACTOR', cell: (i) => i.actor },
      { header: 'FUNCTION', cell: (i) => i.functionArn.split(':').pop() ?? i.functionArn },
    ],
    items,
    paint(false),
  );
}

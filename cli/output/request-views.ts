/** Requests on a terminal: one line each in a list, a readable summary for one. */
import { approvalProgress, functionLabel, sourceLabel, type BrokerRequest } from '../api/broker-request';
import { policySizeNote } from '../api/policy-preview';
import type { Paint } from './paint';
import { formatTable } from './table';
import { durationText, shortTime, when } from './time';

export function requestTable(body: unknown, now: number, paint: Paint): string {
  const { items, nextToken } = body as { items: BrokerRequest[]; nextToken?: string | null };
  if (items.length === 0) return paint.dim('no requests\n');
  const table = formatTable(
    [
      { header: 'ID', cell: (r: BrokerRequest) => r.id ?? '(dry run)' },
      { header: 'STATUS', cell: (r) => paint.status(r.status) },
      { header: 'FUNCTION', cell: (r) => functionLabel(r) },
      { header: 'PRINCIPAL', cell: (r) => r.principal ?? r.eventSourceArn ?? '' },
      { header: 'EXPIRES', cell: (r) => (r.expiresAt ? when(r.expiresAt, now) : paint.dim('—')) },
    ],
    items,
    paint,
  );
  return nextToken ? `${table}${paint.dim(`more: --next-token ${nextToken}`)}\n` : table;
}

export function requestSummary(body: unknown, now: number, paint: Paint): string {
  const r = body as BrokerRequest;
  const rows: [string, string | null | undefined][] = [
    ['function', `${functionLabel(r)}  ${paint.dim(r.functionArn)}`],
    ['kind', r.kind],
    ['principal', r.principal],
    ['source', sourceLabel(r)],
    ['requester', r.requester],
    ['reason', r.reason],
    ['ticket', r.ticket],
    ['duration', durationText(r.durationSeconds)],
    ['extends', r.extends],
    ['approvals', approvalProgress(r, '/')],
    ['created', when(r.createdAt, now)],
    ['starts', r.startsAt ? when(r.startsAt, now) : null],
    ['active since', r.activatedAt ? when(r.activatedAt, now) : null],
    ['expires', r.expiresAt ? when(r.expiresAt, now) : null],
    ['ended', r.endedAt ? when(r.endedAt, now) : null],
    ['failure', r.failure?.reason],
    ['entry', r.allowlistEntryId],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [`${paint.bold(r.id ?? '(dry run: no id)')}  ${paint.status(r.status)}`];
  for (const [key, value] of rows) if (value) lines.push(`  ${paint.dim(key.padEnd(width))}  ${value}`);
  lines.push(
    '',
    `  ${paint.bold('statement')} ${paint.dim(`(${r.statementId}, ${policySizeNote(r.policyPreview, r.statement)})`)}`,
  );
  lines.push(
    ...JSON.stringify(r.statement, null, 2)
      .split('\n')
      .map((l) => `    ${l}`),
  );
  for (const o of r.policyPreview?.overlaps ?? [])
    lines.push(`  ${paint.yellow('already allowed')} ${o.statementId}: ${o.reason}`);
  for (const w of r.warnings ?? []) lines.push(`  ${paint.yellow('warning')} ${w}`);
  lines.push(`  ${paint.dim(`statementHash ${r.statementHash}`)}`, '', `  ${paint.bold('history')}`);
  for (const h of r.history) {
    const detail = h.detail && Object.keys(h.detail).length > 0 ? `  ${paint.dim(JSON.stringify(h.detail))}` : '';
    const event = h.event.padEnd(16);
    lines.push(`    ${shortTime(h.at)}  ${h.event === 'DRIFT' ? paint.red(event) : event}  ${h.actor}${detail}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Allowlist entries, the catalog, discovered statements and impact previews on a terminal. */
import type { Paint } from './paint';
import { formatTable } from './table';
import { durationText } from './time';

interface EntryLike {
  id?: string;
  entryId?: string;
  description?: string;
  functions: string[];
  principals: string[];
  requiredApprovals: number;
  maxDurationSeconds: number;
  autoApprove: boolean;
  /** v3: approval steps and approver groups; absent on older brokers. */
  approvalSteps?: { name: string; requiredApprovals: number; approverGroups?: string[] }[];
  approverGroups?: string[];
}

/** "auto", "2", "2 (groups: platform)", or each step's count: "owners 1 + security 1". */
function approvalsOf(e: EntryLike): string {
  if (e.autoApprove) return 'auto';
  if (e.approvalSteps && e.approvalSteps.length > 0) {
    return e.approvalSteps.map((s) => `${s.name} ${s.requiredApprovals}`).join(' + ');
  }
  const groups = e.approverGroups && e.approverGroups.length > 0 ? ` (groups: ${e.approverGroups.join(', ')})` : '';
  return `${e.requiredApprovals}${groups}`;
}

const list = (values: string[] | undefined) => (values && values.length > 0 ? values.join(', ') : '—');

function entryTable(body: unknown, paint: Paint, idOf: (e: EntryLike) => string): string {
  const { items } = body as { items: EntryLike[] };
  if (items.length === 0) return paint.dim('no entries\n');
  return formatTable(
    [
      { header: 'ENTRY', cell: (e: EntryLike) => idOf(e) },
      { header: 'FUNCTIONS', cell: (e) => list(e.functions) },
      { header: 'PRINCIPALS', cell: (e) => list(e.principals) },
      { header: 'MAX', cell: (e) => durationText(e.maxDurationSeconds) },
      { header: 'APPROVALS', cell: approvalsOf },
      { header: 'DESCRIPTION', cell: (e) => e.description ?? '' },
    ],
    items,
    paint,
  );
}

export const allowlistTable = (body: unknown, _now: number, paint: Paint) => entryTable(body, paint, (e) => e.id ?? '');
export const catalogTable = (body: unknown, _now: number, paint: Paint) =>
  entryTable(body, paint, (e) => e.entryId ?? '');

interface Discovered {
  functionArn: string;
  qualifier: string | null;
  statementId: string;
  floorViolations: { path: string; message: string }[];
  permittedBy: string | null;
}

export function discoverTable(body: unknown, _now: number, paint: Paint): string {
  const { items, nextToken, accountsUnreachable } = body as {
    items: Discovered[];
    nextToken?: string | null;
    accountsUnreachable?: string[];
  };
  const notes = [
    ...(accountsUnreachable && accountsUnreachable.length > 0
      ? [paint.yellow(`not reached: accounts ${accountsUnreachable.join(', ')}`)]
      : []),
    ...(nextToken ? [paint.dim(`more: --next-token ${nextToken}`)] : []),
  ].map((line) => `${line}\n`);
  if (items.length === 0) return [paint.dim('no unmanaged statements\n'), ...notes].join('');
  const table = formatTable(
    [
      {
        header: 'FUNCTION',
        cell: (d: Discovered) => (d.qualifier ? `${d.functionArn}:${d.qualifier}` : d.functionArn),
      },
      { header: 'STATEMENT', cell: (d) => d.statementId },
      { header: 'PERMITTED BY', cell: (d) => d.permittedBy ?? paint.yellow('no entry') },
      {
        header: 'SAFETY FLOOR',
        cell: (d) =>
          d.floorViolations.length === 0
            ? paint.green('ok')
            : paint.red(d.floorViolations.map((v) => v.message).join('; ')),
      },
    ],
    items,
    paint,
  );
  return [table, ...notes].join('');
}

interface Impact {
  kept: string[];
  rematched: { id: string; entryId: string }[];
  ended: { id: string; status: string; reason: string }[];
}

export function impactView(body: unknown, _now: number, paint: Paint): string {
  const impact = body as Impact;
  const lines = [
    `${paint.bold('kept')}       ${impact.kept.length}${impact.kept.length > 0 ? `  ${paint.dim(impact.kept.join(' '))}` : ''}`,
    `${paint.bold('rematched')}  ${impact.rematched.length}`,
    ...impact.rematched.map((r) => `  ${r.id} → entry ${r.entryId}`),
    `${paint.bold('ended')}      ${impact.ended.length === 0 ? '0' : paint.red(String(impact.ended.length))}`,
    ...impact.ended.map((e) => `  ${e.id} → ${paint.status(e.status)}: ${e.reason}`),
  ];
  return `${lines.join('\n')}\n`;
}

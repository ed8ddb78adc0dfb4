/**
 * Read the audit trail across requests (docs/audit.md, Reading the trail): history events in time order, a page at a
 * time, for admins and BROKER_AUDITORS; filtered by function and by requester. One page reads at most READ_BOUND
 * records from the table, whatever the filters, and says where to go on.
 */
import { ValidationError } from '../errors';
import type { AuditRecord } from '../model/audit-record';
import type { AuditLog, Clock } from '../ports';
import { requireAuditReader, wasRequestedBy } from '../rulebook/access';
import type { Identity } from '../rulebook/identity';
import type { ResolveIdentity } from '../rulebook/resolve-identity';
import { decodeListToken, encodeListToken } from '../rules/list-cursor';
import type { BrokerSettings } from '../settings';

/** Records read from the table for one page at most. */
export const READ_BOUND = 1_000;
/** Without `since`: the last day. */
const DEFAULT_WINDOW_MS = 24 * 3600 * 1000;
/** A position in the trail: `<at>#<requestId>#<sequence, 6 digits>`. */
export const AUDIT_POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9-]{1,64}#\d{6}$/;

export const auditPosition = (r: Pick<AuditRecord, 'at' | 'requestId' | 'sequence'>) =>
  `${r.at}#${r.requestId}#${String(r.sequence).padStart(6, '0')}`;

export interface ReadAuditCommand {
  caller: Identity;
  /** ISO times; default: the last 24 hours. */
  since: string | null;
  until: string | null;
  /** A function name or unqualified ARN. */
  functionName: string | null;
  /** The requester's ARN, or its person key. */
  requester: string | null;
  limit: number;
  nextToken: string | null;
}

function matches(command: ReadAuditCommand) {
  const { functionName, requester } = command;
  return (r: AuditRecord) =>
    (functionName === null || r.functionArn === functionName || r.functionArn.endsWith(`:function:${functionName}`)) &&
    (requester === null || wasRequestedBy(r, requester));
}

export function makeReadAudit(deps: {
  auditLog: AuditLog;
  settings: BrokerSettings;
  resolveIdentity: ResolveIdentity;
  clock: Clock;
}) {
  const { auditLog, settings, resolveIdentity, clock } = deps;
  const auditors = settings.auditors ?? [];
  return async function readAudit(command: ReadAuditCommand) {
    const who = await resolveIdentity(command.caller, [...settings.admins, ...auditors]);
    requireAuditReader(settings.admins, auditors, who);
    const now = clock.now().getTime();
    // `until` is exclusive: by default, everything recorded up to now included.
    const until = command.until ?? new Date(now + 1).toISOString();
    const since = command.since ?? new Date(Date.parse(until) - DEFAULT_WINDOW_MS).toISOString();
    if (since >= until) throw ValidationError.field('since', 'must be before until');
    const after = command.nextToken === null ? null : decodeListToken(command.nextToken, AUDIT_POSITION);
    const page = await auditLog.page({
      since,
      until,
      after,
      limit: command.limit,
      keep: matches(command),
      maxReads: READ_BOUND,
    });
    return { items: page.items, nextToken: page.next === null ? null : encodeListToken(page.next) };
  };
}

export type ReadAudit = ReturnType<typeof makeReadAudit>;

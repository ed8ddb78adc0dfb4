/**
 * The audit events the broker publishes (docs/audit.md, Events on EventBridge), read from stored changes: each new
 * history event of a request, numbered within the request (`sequence`, from 1: its place in the history), and each
 * change of an allowlist entry. Pure, so a change delivered twice gives the same events (consumers drop repeats by
 * `id`).
 */
import type { GrantRequest, HistoryEvent } from '../model/request';
import type { AllowlistChange } from '../model/allowlist-change';
import type { EntryChange } from '../model/entry-change';

/** Every event's `source` on the bus. */
export const AUDIT_SOURCE = 'lambda-permission-broker';

export interface AuditEvent {
  /** Unique per event and the same on every delivery: `<requestId>#<sequence>`, or `entry#<entryId>#<version>`. */
  id: string;
  detailType: string;
  /** When it happened (the history event's or the change's time). */
  time: string;
  /** The ARNs the event is about (the function, for grants). */
  resources: string[];
  detail: Record<string, unknown>;
}

/** `REMOVAL_BLOCKED` → `Removal Blocked`. */
export function titleCase(name: string): string {
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/**
 * `Grant <Event>`: the history event in title case; a new request's `CREATED` is `Grant Requested`, the name the
 * contract gives it (docs/audit.md, Events on EventBridge).
 */
export const grantDetailType = (event: HistoryEvent['event']) =>
  event === 'CREATED' ? 'Grant Requested' : `Grant ${titleCase(event)}`;

/** The events a request's change appended (`before` null: a new request), oldest first. */
export function grantAuditEvents(before: GrantRequest | null, after: GrantRequest): AuditEvent[] {
  const first = before?.history.length ?? 0;
  return after.history.slice(first).map((h, i) => {
    const sequence = first + i + 1;
    return {
      id: `${after.id}#${sequence}`,
      detailType: grantDetailType(h.event),
      time: h.at,
      resources: [after.functionArn],
      detail: {
        requestId: after.id,
        event: h.event,
        actor: h.actor,
        at: h.at,
        status: after.status,
        functionArn: after.functionArn,
        qualifier: after.qualifier,
        principal: after.principal,
        sourceArn: after.sourceArn,
        eventSourceArn: after.eventSourceArn,
        statementId: after.statementId,
        statementHash: after.statementHash,
        allowlistEntryId: after.allowlistEntryId,
        sequence,
        detail: h.detail,
      },
    };
  });
}

/** One change of an allowlist entry: `Allowlist Entry Changed` (created or replaced) or `Allowlist Entry Deleted`. */
export function entryAuditEvent(change: EntryChange): AuditEvent {
  return {
    id: `entry#${change.entryId}#${change.version}`,
    detailType: change.after ? 'Allowlist Entry Changed' : 'Allowlist Entry Deleted',
    time: change.at,
    resources: [],
    detail: {
      entryId: change.entryId,
      actor: change.actor,
      at: change.at,
      version: change.version,
      before: change.before,
      after: change.after,
    },
  };
}

const PROPOSAL_TYPES = {
  PENDING: 'Allowlist Change Proposed',
  APPROVED: 'Allowlist Change Approved',
  REJECTED: 'Allowlist Change Rejected',
} as const;

/**
 * A proposal under the two-person rule was made, approved or rejected (docs/audit.md, Allowlist changes under the
 * two-person rule); null when its stored change was none of these.
 */
export function proposalAuditEvent(before: AllowlistChange | null, after: AllowlistChange): AuditEvent | null {
  if (before !== null && before.status === after.status) return null;
  const time = after.status === 'PENDING' ? after.proposedAt : (after.decidedAt ?? after.proposedAt);
  return {
    id: `change#${after.id}#${after.status}`,
    detailType: PROPOSAL_TYPES[after.status],
    time,
    resources: [],
    detail: { ...after },
  };
}

/**
 * Decides whether some allowlist entry permits a request. Entries are tried in ascending id order and the first
 * that permits wins, so the choice is deterministic. A denial names the condition that failed on the entry that
 * came closest (the one passing the most conditions, ties to the lowest id).
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import { functionAccountOf } from './function-ref';
import { matchesAny } from './pattern';

export interface MatchSubject {
  functionArn: string;
  requester: string;
  kind: 'invoke' | 'eventSourceMapping';
  principal: string | null;
  sourceArn: string | null;
  eventSourceArn: string | null;
  principalOrgId: string | null;
  /** Account that owns the source, when the request names one. */
  sourceOwner: string | null;
  durationSeconds: number;
}

export type MatchDecision =
  { permitted: true; entry: AllowlistEntry } | { permitted: false; field: string; reason: string };

interface Condition {
  field: string;
  holds(entry: AllowlistEntry, subject: MatchSubject): boolean;
  reason(subject: MatchSubject): string;
}

const CONDITIONS: readonly Condition[] = [
  {
    field: 'functionName',
    holds: (e, s) => matchesAny(e.functions, s.functionArn),
    reason: (s) => `function ${s.functionArn} is not in the allowlist`,
  },
  {
    field: 'requester',
    holds: (e, s) => matchesAny(e.requesters, s.requester),
    reason: (s) => `requester ${s.requester} may not ask for this function`,
  },
  {
    field: 'principal',
    holds: (e, s) => s.kind !== 'invoke' || (s.principal !== null && matchesAny(e.principals, s.principal)),
    reason: (s) => `principal ${s.principal ?? ''} is not allowed`,
  },
  {
    field: 'eventSourceArn',
    holds: (e, s) =>
      s.kind !== 'eventSourceMapping' || (s.eventSourceArn !== null && matchesAny(e.eventSourceArns, s.eventSourceArn)),
    reason: (s) => `event source ${s.eventSourceArn ?? ''} is not allowed`,
  },
  {
    field: 'sourceArn',
    holds: (e, s) => s.sourceArn === null || matchesAny(e.sourceArns, s.sourceArn),
    reason: (s) => `source ARN ${s.sourceArn ?? ''} is not allowed`,
  },
  {
    field: 'sourceAccount',
    // An entry without sourceAccounts admits sources of the account that owns the function (API §11.7).
    holds: (e, s) =>
      s.sourceOwner === null ||
      (e.sourceAccounts === null
        ? s.sourceOwner === functionAccountOf(s.functionArn)
        : matchesAny(e.sourceAccounts, s.sourceOwner)),
    reason: (s) => `source account ${s.sourceOwner ?? ''} is not allowed`,
  },
  {
    field: 'principalOrgId',
    holds: (e, s) => s.principalOrgId === null || matchesAny(e.principalOrgIds, s.principalOrgId),
    reason: (s) => `organization ${s.principalOrgId ?? ''} is not allowed`,
  },
  {
    field: 'durationSeconds',
    holds: (e, s) => s.durationSeconds <= e.maxDurationSeconds,
    reason: (s) => `duration ${s.durationSeconds}s is longer than the allowlist permits`,
  },
];

export function matchAllowlist(entries: readonly AllowlistEntry[], subject: MatchSubject): MatchDecision {
  return decide(entries, subject, CONDITIONS);
}

/** Conditions on who asks and for how long, rather than on the grant itself. */
const ASKER_FIELDS = new Set(['requester', 'durationSeconds']);
const GRANT_CONDITIONS = CONDITIONS.filter((c) => !ASKER_FIELDS.has(c.field));

/**
 * The first entry (ascending id) whose conditions on the grant itself all hold, whoever asks and for however long:
 * what a statement that already stands in a policy is permitted by (API §11.11). Null when no entry permits it.
 */
export function entryPermittingGrant(
  entries: readonly AllowlistEntry[],
  grant: Omit<MatchSubject, 'requester' | 'durationSeconds'>,
): AllowlistEntry | null {
  // The asker's fields are never read by GRANT_CONDITIONS.
  const decision = decide(entries, { ...grant, requester: '', durationSeconds: 0 }, GRANT_CONDITIONS);
  return decision.permitted ? decision.entry : null;
}

function decide(
  entries: readonly AllowlistEntry[],
  subject: MatchSubject,
  conditions: readonly Condition[],
): MatchDecision {
  const ordered = [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let closest: { passed: number; condition: Condition; entry: AllowlistEntry } | null = null;
  for (const entry of ordered) {
    const failedAt = conditions.findIndex((c) => !c.holds(entry, subject));
    if (failedAt === -1) return { permitted: true, entry };
    if (!closest || failedAt > closest.passed) {
      closest = { passed: failedAt, condition: conditions[failedAt] as Condition, entry };
    }
  }
  if (!closest) return { permitted: false, field: 'functionName', reason: 'the allowlist is empty' };
  const detail = closest.condition.field === 'durationSeconds' ? ` (at most ${closest.entry.maxDurationSeconds}s)` : '';
  return { permitted: false, field: closest.condition.field, reason: `${closest.condition.reason(subject)}${detail}` };
}

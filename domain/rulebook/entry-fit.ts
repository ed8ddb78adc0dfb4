/**
 * Whether one allowlist entry allows an ask by a requester: its conditions in a fixed order, and the first that fails
 * with its reason. The requester is null when a grant is judged on its own (an adopted statement, whose requester is
 * the admin who adopted it). The one place that matches asks against entries.
 */
import { DEFAULT_MAX_EXTENSIONS, type AllowlistEntry } from '../model/allowlist-entry';
import { functionAccountOf } from '../rules/function-ref';
import { matchesAny } from '../rules/pattern';
import type { Ask } from './ask';
import type { Identity } from './identity';
import { namedByAny } from './principal-patterns';

export type Fit = { fits: true } | { fits: false; field: string; reason: string };

interface Condition {
  field: string;
  holds(entry: AllowlistEntry, ask: Ask, requester: Identity | null): boolean;
  reason(entry: AllowlistEntry, ask: Ask, requester: Identity | null): string;
}

/** Whether an entry lists this caller among its requesters: what the catalog shows, and the first gate of a create. */
export function listsRequester(entry: AllowlistEntry, requester: Identity): boolean {
  return namedByAny(entry.requesters, requester);
}

/** Whether an entry's `functions` cover a function (an unqualified ARN). */
export function coversFunction(entry: Pick<AllowlistEntry, 'functions'>, functionArn: string): boolean {
  return matchesAny(entry.functions, functionArn);
}

/** Whether some entry covers a function: the functions reconcile and discover look after. */
export function coveredByAny(entries: readonly Pick<AllowlistEntry, 'functions'>[], functionArn: string): boolean {
  return entries.some((entry) => coversFunction(entry, functionArn));
}

export function maxExtensionsOf(entry: AllowlistEntry): number {
  return entry.maxExtensions ?? DEFAULT_MAX_EXTENSIONS;
}

const CONDITIONS: readonly Condition[] = [
  {
    field: 'functionName',
    holds: (e, a) => coversFunction(e, a.functionArn),
    reason: (e, a) => `function ${a.functionArn} is not among entry ${e.id}'s functions`,
  },
  {
    field: 'requester',
    holds: (e, _a, r) => r === null || listsRequester(e, r),
    reason: (e, _a, r) => `requester ${r?.arn ?? ''} is not among entry ${e.id}'s requesters`,
  },
  {
    field: 'principal',
    holds: (e, a) => a.kind !== 'invoke' || (a.principal !== null && matchesAny(e.principals, a.principal)),
    reason: (e, a) => `principal ${a.principal ?? ''} is not allowed by entry ${e.id}`,
  },
  {
    field: 'eventSourceArn',
    holds: (e, a) =>
      a.kind !== 'eventSourceMapping' || (a.eventSourceArn !== null && matchesAny(e.eventSourceArns, a.eventSourceArn)),
    reason: (e, a) => `event source ${a.eventSourceArn ?? ''} is not allowed by entry ${e.id}`,
  },
  {
    field: 'sourceArn',
    holds: (e, a) => a.sourceArn === null || matchesAny(e.sourceArns, a.sourceArn),
    reason: (e, a) => `source ARN ${a.sourceArn ?? ''} is not allowed by entry ${e.id}`,
  },
  {
    field: 'sourceAccount',
    // An entry without sourceAccounts admits sources of the account that owns the function.
    holds: (e, a) =>
      a.sourceOwner === null ||
      (e.sourceAccounts === null
        ? a.sourceOwner === functionAccountOf(a.functionArn)
        : matchesAny(e.sourceAccounts, a.sourceOwner)),
    reason: (e, a) => `source account ${a.sourceOwner ?? ''} is not allowed by entry ${e.id}`,
  },
  {
    field: 'principalOrgId',
    holds: (e, a) => a.principalOrgId === null || matchesAny(e.principalOrgIds, a.principalOrgId),
    reason: (e, a) => `organization ${a.principalOrgId ?? ''} is not allowed by entry ${e.id}`,
  },
  {
    field: 'durationSeconds',
    holds: (e, a) => a.lifetimeSeconds <= e.maxDurationSeconds,
    reason: (e, a) =>
      a.extensions === 0
        ? `duration ${a.lifetimeSeconds}s is longer than entry ${e.id} permits (at most ${e.maxDurationSeconds}s)`
        : `the grant would stand ${a.lifetimeSeconds}s from now, longer than entry ${e.id} permits (at most ${e.maxDurationSeconds}s)`,
  },
  {
    field: 'extensions',
    holds: (e, a) => a.extensions <= maxExtensionsOf(e),
    reason: (e, a) =>
      `${a.extensions} extension(s) is more than entry ${e.id} permits (maxExtensions ${maxExtensionsOf(e)})`,
  },
];

/** How far the ask got through the entry's conditions: all of them (fits), or the first that failed. */
export function fitOf(entry: AllowlistEntry, ask: Ask, requester: Identity | null): Fit & { passed: number } {
  const failedAt = CONDITIONS.findIndex((c) => !c.holds(entry, ask, requester));
  if (failedAt === -1) return { fits: true, passed: CONDITIONS.length };
  const condition = CONDITIONS[failedAt] as Condition;
  return { fits: false, field: condition.field, reason: condition.reason(entry, ask, requester), passed: failedAt };
}

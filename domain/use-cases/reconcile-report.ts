/** What a drift reconcile answers (use-cases/reconcile.ts; docs/api.md, Drift). */
import type { DriftPart } from '../grants/grant-kind';

export type { DriftPart } from '../grants/grant-kind';

export interface DriftFinding {
  requestId: string;
  functionArn: string;
  statementId: string;
  action: 'REAPPLIED' | 'FLAGGED';
  /** Which part of the grant drifted: its statement, or (event source grants) its role policy or mapping. */
  part: DriftPart;
  reason: string;
}

export interface ReconcileReport {
  /** Policies checked (a function's, or one of its versions' or aliases'). */
  checkedFunctions: number;
  orphansRemoved: { functionArn: string; qualifier: string | null; statementId: string }[];
  missing: DriftFinding[];
  /** Targets that could not be checked (AccessDenied, throttling…): the others were checked all the same. */
  failures: { functionArn: string; qualifier: string | null; error: string }[];
  /** Target accounts whose functions could not be reached at all. */
  accountsUnreachable: string[];
  /** Where the next page starts (pass it as `cursor`); null when every function was checked. */
  nextCursor: string | null;
  /** A `resume` run: the age (seconds) of the least recently checked function, any account (at most that old). */
  oldestCheckSeconds?: number;
}

export function emptyReport(): ReconcileReport {
  return {
    checkedFunctions: 0,
    orphansRemoved: [],
    missing: [],
    failures: [],
    accountsUnreachable: [],
    nextCursor: null,
  };
}

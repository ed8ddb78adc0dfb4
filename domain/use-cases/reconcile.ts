/**
 * Drift reconcile (API §4, §11.7): compares what AWS holds with the broker's ACTIVE grants and repairs what it can.
 * Input: where the previous page stopped (`cursor`, null: from the start) and a time budget. Output: what was checked,
 * removed, re-applied or flagged, what failed, the accounts that could not be reached, and `nextCursor` while
 * functions are left for the next page (the HTTP answer pages; the hourly run goes on until it is done).
 * Targets, in function ARN order, per target account: the functions any allowlist entry matches (their unqualified
 * policy and the policy of each version and alias) and those with ACTIVE grants (the grants' policies, and their
 * event source mappings and role policies).
 * Each finding is read again, holding the request's lease (so no settle runs meanwhile), before anything is done:
 * - a broker statement (its Sid has the prefix, its Resource is this target) with no ACTIVE grant here is an orphan,
 *   removed only when its request has ended or never existed: one that became ACTIVE (or is being applied) meanwhile
 *   keeps its statement;
 * - an ACTIVE grant's statement gone is re-applied (FLAGGED when AWS refuses), unless the grant is being revoked or
 *   is past its end by then (the sweep's to end); a statement that now means something else (a deleted role shown as
 *   its AROA… id, a hand edit) is FLAGGED, never rewritten blindly;
 * - an event source grant's role policy gone is put back (changed: FLAGGED); its mapping gone is created again and
 *   the new uuid recorded (disabled or being deleted: FLAGGED).
 * Drift is recorded in the request's history (DRIFT, which reaches Slack and metrics) once per finding: the same
 * finding again at a later run is reported in the answer but not recorded again. One target's failure is reported in
 * `failures` and never stops the others; an account whose spoke cannot be reached is skipped and reported in
 * `accountsUnreachable`. Statements without the prefix are never touched.
 */
import { AccountUnreachableError, ValidationError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { AllowlistStore, CallDeadlines, RequestStore } from '../ports';
import { functionAccountOf, functionArnOf } from '../rules/function-ref';
import { coveredByAny } from '../rulebook/entry-fit';
import { describeError, makeFunctionCheck, type FunctionCheckDeps } from './reconcile-function';

export type DriftPart = 'statement' | 'rolePolicy' | 'mapping';

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
  /** Target accounts whose functions could not be reached at all (API §11.7). */
  accountsUnreachable: string[];
  /** Where the next page starts (pass it as `cursor`); null when every function was checked. */
  nextCursor: string | null;
}

/** What each function's check needs, and the allowlist and call deadlines to choose and bound the targets. */
export interface ReconcileDeps extends FunctionCheckDeps {
  allowlist: AllowlistStore;
  deadlines: CallDeadlines;
}

export interface ReconcileOptions {
  cursor?: string | null;
  budgetMs?: number;
}

const PAGE = 100;
/** A run without a budget still stops: long before anything could loop. */
const DEFAULT_BUDGET_MS = 10 * 60 * 1000;

/** A page cursor: an opaque wrapper around the function ARN the next page starts with. */
export function encodeReconcileCursor(functionArn: string): string {
  return Buffer.from(JSON.stringify({ from: functionArn }), 'utf8').toString('base64url');
}

export function decodeReconcileCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { from?: unknown };
    if (typeof parsed.from === 'string' && /^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:[\w-]+$/.test(parsed.from)) {
      return parsed.from;
    }
  } catch {
    // fall through to the validation error
  }
  throw ValidationError.field('cursor', 'is not a cursor this API issued');
}

async function allActive(store: RequestStore): Promise<GrantRequest[]> {
  const all: GrantRequest[] = [];
  let after: string | null = null;
  do {
    const page = await store.list({
      sources: [{ kind: 'status', value: 'ACTIVE' }],
      status: 'ACTIVE',
      functionName: null,
      limit: PAGE,
      after,
    });
    all.push(...page.items);
    after = page.next;
  } while (after !== null);
  return all;
}

export function makeReconcile(deps: ReconcileDeps) {
  const { store, allowlist, functions, deadlines, clock, settings } = deps;

  return async function reconcile(options: ReconcileOptions = {}): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      checkedFunctions: 0,
      orphansRemoved: [],
      missing: [],
      failures: [],
      accountsUnreachable: [],
      nextCursor: null,
    };
    const deadline = new Date(clock.now().getTime() + (options.budgetMs ?? DEFAULT_BUDGET_MS));
    const timeLeft = () => clock.now().getTime() < deadline.getTime();
    const from = options.cursor ? decodeReconcileCursor(options.cursor) : null;

    const checkFunction = makeFunctionCheck(deps, { report, deadline });

    const grants = await allActive(store);
    const entries = await allowlist.list();
    const matched = new Set<string>();
    for (const account of [...settings.targetAccounts].sort()) {
      try {
        for (const arn of await deadlines.within(deadline, () => functions.listArns(account))) {
          if (coveredByAny(entries, arn)) matched.add(arn);
        }
      } catch (error) {
        if (error instanceof AccountUnreachableError) report.accountsUnreachable.push(account);
        else
          report.failures.push({
            functionArn: functionArnOf(settings, account, '*'),
            qualifier: null,
            error: describeError(error),
          });
      }
    }
    const grantsOf = new Map<string, GrantRequest[]>();
    for (const g of grants) grantsOf.set(g.functionArn, [...(grantsOf.get(g.functionArn) ?? []), g]);
    const unreachable = new Set(report.accountsUnreachable);
    const targets = [...new Set([...matched, ...grantsOf.keys()])]
      .filter((arn) => !unreachable.has(functionAccountOf(arn)) && (from === null || arn >= from))
      .sort();

    for (const functionArn of targets) {
      const account = functionAccountOf(functionArn);
      if (unreachable.has(account)) continue;
      if (!timeLeft()) {
        report.nextCursor = encodeReconcileCursor(functionArn);
        break;
      }
      try {
        await deadlines.within(deadline, () =>
          checkFunction(functionArn, matched.has(functionArn), grantsOf.get(functionArn) ?? []),
        );
      } catch (error) {
        if (!(error instanceof AccountUnreachableError)) {
          // Out of time in the middle of this function: the next page starts with it again.
          report.nextCursor = encodeReconcileCursor(functionArn);
          break;
        }
        unreachable.add(account);
        report.accountsUnreachable.push(account);
      }
    }
    report.accountsUnreachable.sort();
    return report;
  };
}

export type Reconcile = ReturnType<typeof makeReconcile>;

/**
 * Drift reconcile (docs/api.md, Endpoints; docs/deploy.md, Many accounts (hub and spokes); docs/runbook.md, Drift
 * findings): compares what AWS holds with the broker's ACTIVE grants and repairs what it can. Targets, per target
 * account in function ARN order: the functions any allowlist entry matches (their unqualified policy and the policy of
 * each version and alias) and those with ACTIVE grants (the grants' policies, and their event source mappings and role
 * policies). Accounts are worked through side by side, each reading policies at half its Lambda budget at most
 * (BROKER_LAMBDA_RPS / 2 per second), so grants being applied and removed meanwhile keep the other half. Two ways to
 * run, both within a time budget:
 * - pages (the admin API): from where the previous page stopped (`cursor`, none: from the start) to the end; the
 *   answer's `nextCursor` says where the next page starts while functions are left;
 * - `resume` (the hourly run): each account from where the last run stopped (its progress is stored after every
 *   function), round to where it started at most; the report says how old the least recently checked function is.
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
import type { AllowlistStore, CallDeadlines, ReconcileProgressStore, RequestStore, Sleep } from '../ports';
import { functionAccountOf, functionArnOf } from '../rules/function-ref';
import { coveredByAny } from '../rulebook/entry-fit';
import { afterCheck, firstPass, oldestCheckSeconds, runOrder } from '../rules/reconcile-pass';
import { makePacer } from './read-pacer';
import { describeError, makeFunctionCheck, type FunctionCheckDeps } from './reconcile-function';
import { emptyReport, type ReconcileReport } from './reconcile-report';

export type { DriftFinding, DriftPart, ReconcileReport } from './reconcile-report';

/** What each function's check needs, and the allowlist, call deadlines and stored progress of a run. */
export interface ReconcileDeps extends FunctionCheckDeps {
  allowlist: AllowlistStore;
  deadlines: CallDeadlines;
  progress: ReconcileProgressStore;
  sleep: Sleep;
}

export interface ReconcileOptions {
  cursor?: string | null;
  budgetMs?: number;
  /** Go on where the last resumed run stopped, and store where this one stops (the hourly run). */
  resume?: boolean;
}

const PAGE = 100;
/** A run without a budget still stops: long before anything could loop. */
const DEFAULT_BUDGET_MS = 10 * 60 * 1000;
const FUNCTION_ARN = /^arn:[\w-]+:lambda:[\w-]+:(\d{12}):function:[\w-]+$/;

/** A page cursor: an opaque wrapper around the function each account's next page starts with (done: absent). */
export function encodeReconcileCursor(next: Readonly<Record<string, string>>): string {
  return Buffer.from(JSON.stringify({ next }), 'utf8').toString('base64url');
}

export function decodeReconcileCursor(cursor: string): Record<string, string> {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { next?: unknown };
    const next = parsed.next;
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      const pairs = Object.entries(next);
      if (pairs.every(([account, arn]) => typeof arn === 'string' && FUNCTION_ARN.exec(arn)?.[1] === account)) {
        return Object.fromEntries(pairs);
      }
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

/** Where one account's work in this run starts, and what it does after each function it checked. */
interface AccountPlan {
  order: string[];
  checked: (functionArn: string) => Promise<void>;
}

export function makeReconcile(deps: ReconcileDeps) {
  const { store, allowlist, functions, deadlines, clock, settings, progress, sleep } = deps;
  /** Half of each account's budget; the policy reads of one account never exceed it. */
  const readsPerSecond = settings.lambdaRps / 2;

  return async function reconcile(options: ReconcileOptions = {}): Promise<ReconcileReport> {
    const report = emptyReport();
    const deadline = new Date(clock.now().getTime() + (options.budgetMs ?? DEFAULT_BUDGET_MS));
    const timeLeft = () => clock.now().getTime() < deadline.getTime();
    const pages = options.cursor ? decodeReconcileCursor(options.cursor) : null;
    const grants = await allActive(store);
    const entries = await allowlist.list();
    const grantsOf = new Map<string, GrantRequest[]>();
    for (const g of grants) grantsOf.set(g.functionArn, [...(grantsOf.get(g.functionArn) ?? []), g]);
    const unreachable = (account: string) => report.accountsUnreachable.push(account);

    /** The account's targets in ARN order, and which of them an entry matches; null when it cannot be listed. */
    async function targetsOf(account: string): Promise<{ sorted: string[]; matched: Set<string> } | null> {
      try {
        const listed = await deadlines.within(deadline, () => functions.listArns(account));
        const matched = new Set(listed.filter((arn) => coveredByAny(entries, arn)));
        const granted = [...grantsOf.keys()].filter((arn) => functionAccountOf(arn) === account);
        return { sorted: [...new Set([...matched, ...granted])].sort(), matched };
      } catch (error) {
        if (error instanceof AccountUnreachableError) unreachable(account);
        else {
          const functionArn = functionArnOf(settings, account, '*');
          report.failures.push({ functionArn, qualifier: null, error: describeError(error) });
        }
        return null;
      }
    }

    /** A page: from the cursor's position (or the start) to the end; the position it stopped at goes in the cursor. */
    const pagePlan = (account: string, sorted: string[]): AccountPlan | null => {
      if (pages !== null && !(account in pages)) return null;
      const from = pages?.[account] ?? null;
      return { order: sorted.filter((arn) => from === null || arn >= from), checked: () => Promise.resolve() };
    };

    /** A resumed run: round from the stored position; the progress is stored after each function. */
    async function resumePlan(account: string, sorted: string[]): Promise<AccountPlan> {
      let stored = (await progress.get(account)) ?? firstPass(account, clock.now());
      return {
        order: runOrder(sorted, stored.next),
        checked: async (functionArn) => {
          stored = afterCheck(stored, sorted, functionArn, clock.now());
          await progress.put(stored);
        },
      };
    }

    /** One account's functions in order until done or out of time; returns where it stopped (null: done). */
    async function workThrough(account: string, targets: { sorted: string[]; matched: Set<string> }) {
      const plan = options.resume ? await resumePlan(account, targets.sorted) : pagePlan(account, targets.sorted);
      if (plan === null) return null;
      const check = makeFunctionCheck(deps, { report, deadline, paceRead: makePacer(clock, sleep, readsPerSecond) });
      for (const functionArn of plan.order) {
        if (!timeLeft()) return functionArn;
        try {
          const own = grantsOf.get(functionArn) ?? [];
          await deadlines.within(deadline, () => check(functionArn, targets.matched.has(functionArn), own));
        } catch (error) {
          if (!(error instanceof AccountUnreachableError)) return functionArn; // out of time within this function
          unreachable(account);
          return null;
        }
        await plan.checked(functionArn);
      }
      return null;
    }

    const stoppedAt: Record<string, string> = {};
    await Promise.all(
      [...settings.targetAccounts].map(async (account) => {
        const targets = await targetsOf(account);
        const stopped = targets === null ? null : await workThrough(account, targets);
        if (stopped !== null) stoppedAt[account] = stopped;
      }),
    );
    report.accountsUnreachable.sort();
    report.failures.sort((a, b) => a.functionArn.localeCompare(b.functionArn));
    if (options.resume) report.oldestCheckSeconds = await oldestCheck(progress, settings.targetAccounts, clock.now());
    else if (Object.keys(stoppedAt).length > 0) report.nextCursor = encodeReconcileCursor(stoppedAt);
    return report;
  };
}

/** The oldest check over the accounts: an account never reached counts as never checked (0 until first stored). */
async function oldestCheck(store: ReconcileProgressStore, accounts: readonly string[], now: Date): Promise<number> {
  const ages = await Promise.all(
    accounts.map(async (account) => {
      const stored = await store.get(account);
      return stored ? oldestCheckSeconds(stored, now) : 0;
    }),
  );
  return Math.max(0, ...ages);
}

export type Reconcile = ReturnType<typeof makeReconcile>;

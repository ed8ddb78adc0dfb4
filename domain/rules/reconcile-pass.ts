/**
 * The hourly reconcile's passes (docs/runbook.md, Drift findings): each account's functions are checked one pass after
 * another, in ARN order, each run going on where the last one stopped. What is kept between runs is the account's
 * progress.
 */
import type { ReconcileProgress } from '../ports';

/** A pass just starting in `account` (its first, or after the progress was lost). */
export function firstPass(account: string, now: Date): ReconcileProgress {
  return { account, next: null, passStartedAt: now.toISOString(), previousPassStartedAt: null };
}

/**
 * The order one run works through an account's functions (`sorted`, in ARN order): from where the last run stopped to
 * the end, then from the start up to it; each function once. A stored position that is gone (a deleted function)
 * resumes at the first function after it.
 */
export function runOrder(sorted: readonly string[], next: string | null): string[] {
  if (next === null) return [...sorted];
  const at = sorted.findIndex((arn) => arn >= next);
  return at <= 0 ? [...sorted] : [...sorted.slice(at), ...sorted.slice(0, at)];
}

/** The progress once `checked` was checked: the function after it is next, or (after the last) a new pass begins. */
export function afterCheck(
  progress: ReconcileProgress,
  sorted: readonly string[],
  checked: string,
  now: Date,
): ReconcileProgress {
  const following = sorted.find((arn) => arn > checked) ?? null;
  if (following !== null) return { ...progress, next: following };
  return { ...progress, next: null, passStartedAt: now.toISOString(), previousPassStartedAt: progress.passStartedAt };
}

/**
 * The age of the least recently checked function, at most: every function was checked since the previous pass
 * started (those not yet reached in the current pass were checked in that one). During the first pass, the functions
 * not reached yet have never been checked: they count from the moment the first pass began.
 */
export function oldestCheckSeconds(progress: ReconcileProgress, now: Date): number {
  const since = Date.parse(progress.previousPassStartedAt ?? progress.passStartedAt);
  return Math.max(0, Math.round((now.getTime() - since) / 1000));
}

/**
 * What every kind of grant does on AWS, one module per kind (invoke-grant.ts, mapping-grant.ts), chosen by the
 * request's `kind` in grant-operator.ts: a new kind is a new module, not a branch in every function.
 * Both directions are idempotent, so any step can be retried after a crash: names derive from the request, what is
 * already in place counts as applied, and "already gone" counts as removed. Nothing here sleeps through a wait:
 * IAM propagation and a policy that keeps changing come back as `wait`, for the caller to reschedule.
 */
import type { GrantRequest } from '../model/request';

export type ApplyResult =
  | {
      outcome: 'applied';
      eventSourceMappingUuid: string | null;
      executionRoleArn: string | null;
      /** An adoption whose replaced statement changed meanwhile: it stays, and the history says so. */
      adoptionConflict?: { statementId: string; reason: string; found: string };
    }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'wait'; retryAfterMs: number; reason: string };

export const refused = (reason: string): ApplyResult => ({ outcome: 'refused', reason });
export const wait = (retryAfterMs: number, reason: string): ApplyResult => ({ outcome: 'wait', retryAfterMs, reason });

/** Which part of a grant drifted: its statement, or (event source grants) its role policy or mapping. */
export type DriftPart = 'statement' | 'rolePolicy' | 'mapping';

/** What a drift check found wrong with one live grant, and what it did about it. */
export interface Drift {
  action: 'REAPPLIED' | 'FLAGGED';
  part: DriftPart;
  reason: string;
  /** More for the history event (a hash of what was found, a new mapping's uuid). */
  detail?: Record<string, unknown>;
  /** A mapping created again: the request records its uuid. */
  mappingUuid?: string;
}

/** What a check already knows: the statements of the grant's policy, read once for all its grants. */
export interface CheckContext {
  statements: readonly Record<string, unknown>[];
}

export interface GrantKind<R extends GrantRequest> {
  /** `now` dates waits that count from the approval (IAM propagation). Transient AWS trouble throws. */
  apply(r: R, now: Date): Promise<ApplyResult>;
  /** Resolves when nothing of the grant is left. */
  remove(r: R): Promise<void>;
  /** A live grant as AWS holds it now: what is missing is put back, what changed is flagged; [] when whole. */
  check(r: R, seen: CheckContext): Promise<Drift[]>;
}

/** Defence in depth: the broker never touches a statement, policy or mapping it did not name itself. */
export function assertOwnSid(sid: string, prefix: string): void {
  if (!sid.startsWith(prefix)) throw new Error(`refusing to touch foreign statement ${sid}`);
}

/**
 * What to make of a failure of AWS work, decided once for every caller (settling a grant, reconcile, adoption): the
 * error says whether trying again can cure it (errors.ts: `retryable`, `retryAfterMs`). An error the domain does not
 * know (a bug, something no adapter translated) is taken as passing: a grant is never ended on a guess, and a removal
 * is never given up.
 */
import { DomainError, GrantRejectedError } from './errors';

export type Failure =
  | { permanent: true; reason: string; code: string | null }
  | { permanent: false; reason: string; retryAfterMs: number | null };

export function failureOf(error: unknown): Failure {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof DomainError && !error.retryable) {
    return { permanent: true, reason, code: error instanceof GrantRejectedError ? error.code : null };
  }
  return { permanent: false, reason, retryAfterMs: error instanceof DomainError ? error.retryAfterMs : null };
}

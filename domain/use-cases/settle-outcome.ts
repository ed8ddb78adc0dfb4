/** What one settle of a request came to: settled (nothing more is due now), or a retry at a given time. */
import type { GrantRequest, RequestStatus } from '../model/request';
import type { Clock } from '../ports';
import { nextAttemptAt } from '../rules/due-work';

export type SettleOutcome =
  | {
      kind: 'settled';
      request: GrantRequest | null;
      /** The status this call moved the request to, if it moved it. */
      transition: RequestStatus | null;
      /** When the request will next need work (an ACTIVE grant's end), or null. */
      nextDueAt: string | null;
    }
  | {
      kind: 'retry';
      request: GrantRequest;
      retryAt: string;
      reason: string;
      /** Another worker holds the lease: the work is in hand. */
      busy: boolean;
      /** The error behind the wait, for the caller's log. */
      error?: unknown;
    };

export const BROKER_ACTOR = 'broker';

export function settled(request: GrantRequest | null, transition: RequestStatus | null = null): SettleOutcome {
  return { kind: 'settled', request, transition, nextDueAt: request ? nextAttemptAt(request) : null };
}

export function retryLater(
  clock: Clock,
  request: GrantRequest,
  afterMs: number,
  reason: string,
  extra: { error?: unknown; busy?: boolean } = {},
): SettleOutcome {
  return {
    kind: 'retry',
    request,
    retryAt: new Date(clock.now().getTime() + afterMs).toISOString(),
    reason,
    busy: extra.busy ?? false,
    ...(extra.error === undefined ? {} : { error: extra.error }),
  };
}

/**
 * APPROVED → ACTIVE (grant applied) or FAILED (AWS refused it for good; nothing left behind).
 * Transient trouble (throttling, policy churn, IAM propagation) throws and leaves the request APPROVED for the
 * next sweep. Safe to run twice at once: applying is idempotent and only one status write wins.
 */
import { StaleRequestError } from '../errors';
import type { GrantOperator } from '../grants/grant-operator';
import type { GrantRequest } from '../model/request';
import type { Clock, RequestStore } from '../ports';
import { move } from '../state-machine';

export const BROKER_ACTOR = 'broker';

/** The request after the step, and whether this call made the transition (false: another writer did). */
export interface TransitionOutcome {
  request: GrantRequest;
  changed: boolean;
}

export function makeActivateGrant(deps: { store: RequestStore; operator: GrantOperator; clock: Clock }) {
  const { store, operator, clock } = deps;
  return async function activateGrant(request: GrantRequest): Promise<TransitionOutcome> {
    const result = await operator.apply(request);
    const now = clock.now();
    const next = result.applied
      ? move(request, 'ACTIVE', {
          at: now,
          actor: BROKER_ACTOR,
          patch: {
            activatedAt: now.toISOString(),
            expiresAt: new Date(now.getTime() + request.durationSeconds * 1000).toISOString(),
            eventSourceMappingUuid: result.eventSourceMappingUuid,
            executionRoleArn: result.executionRoleArn,
          },
          detail: result.eventSourceMappingUuid ? { eventSourceMappingUuid: result.eventSourceMappingUuid } : {},
        })
      : move(request, 'FAILED', {
          at: now,
          actor: BROKER_ACTOR,
          patch: { failure: { reason: result.reason, at: now.toISOString() } },
          detail: { reason: result.reason },
        });
    try {
      return { request: await store.update(request, next), changed: true };
    } catch (error) {
      if (!(error instanceof StaleRequestError)) throw error;
      // Another activation (an overlapping sweep, say) already wrote the outcome.
      const current = await store.get(request.id);
      if (current && current.status !== 'APPROVED') return { request: current, changed: false };
      throw error;
    }
  };
}

export type ActivateGrant = ReturnType<typeof makeActivateGrant>;

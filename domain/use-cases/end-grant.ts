/**
 * ACTIVE → EXPIRED (time is up) or REVOKED (a revoke marker is set): removes the grant from AWS first and records
 * the end only after, so a crash in between leaves an ACTIVE, due request that the next sweep finishes.
 */
import { StaleRequestError } from '../errors';
import type { GrantOperator } from '../grants/grant-operator';
import type { GrantRequest } from '../model/request';
import type { Clock, RequestStore } from '../ports';
import { isTerminal, move } from '../state-machine';
import { BROKER_ACTOR, type TransitionOutcome } from './activate-grant';

export function makeEndGrant(deps: { store: RequestStore; operator: GrantOperator; clock: Clock }) {
  const { store, operator, clock } = deps;
  return async function endGrant(request: GrantRequest): Promise<TransitionOutcome> {
    await operator.remove(request);
    const now = clock.now();
    const next = request.ending
      ? move(request, 'REVOKED', {
          at: now,
          actor: request.ending.actor,
          detail: request.ending.reason ? { reason: request.ending.reason } : {},
        })
      : move(request, 'EXPIRED', {
          at: now,
          actor: BROKER_ACTOR,
          detail: { lagSeconds: Math.max(0, (now.getTime() - Date.parse(request.expiresAt ?? '')) / 1000) },
        });
    try {
      return { request: await store.update(request, next), changed: true };
    } catch (error) {
      if (!(error instanceof StaleRequestError)) throw error;
      const current = await store.get(request.id);
      if (current && isTerminal(current.status)) return { request: current, changed: false };
      throw error;
    }
  };
}

export type EndGrant = ReturnType<typeof makeEndGrant>;

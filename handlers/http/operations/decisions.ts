/** Decisions on a request: POST /v1/requests/{id}/approve | reject | cancel | revoke. */
import type { Operation } from '../operation';
import { presentRequest } from '../presenters';
import { decisionBody, emptyBody, noQuery, parseOrThrow, revokeBody } from '../schemas';
import { requestIdOf } from './request-id';

/** Approve and reject differ only in the use case they call. */
function decision(kind: 'approve' | 'reject'): Operation {
  return async (input, app) => {
    const approver = input.caller().principal;
    parseOrThrow(noQuery, input.query);
    const { comment } = parseOrThrow(decisionBody, input.body ?? {});
    const request = await app.decide[kind]({ approver, id: requestIdOf(input), comment: comment ?? null });
    return { statusCode: 200, body: presentRequest(request) };
  };
}

export const approveRequest = decision('approve');
export const rejectRequest = decision('reject');

export const cancelRequest: Operation = async (input, app) => {
  const caller = input.caller().principal;
  parseOrThrow(noQuery, input.query);
  parseOrThrow(emptyBody, input.body ?? {});
  return { statusCode: 200, body: presentRequest(await app.cancelRequest(caller, requestIdOf(input))) };
};

export const revokeRequest: Operation = async (input, app) => {
  const caller = input.caller().principal;
  parseOrThrow(noQuery, input.query);
  const { reason } = parseOrThrow(revokeBody, input.body ?? {});
  return { statusCode: 200, body: presentRequest(await app.revokeRequest(caller, requestIdOf(input), reason ?? null)) };
};

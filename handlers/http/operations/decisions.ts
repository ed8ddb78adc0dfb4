/**
 * Decisions on a request: POST /v1/requests/{id}/approve | reject | cancel | revoke.
 * Approve and revoke store the decision first, then give the AWS work a short while to finish (API §11.1): the
 * answer shows ACTIVE/REVOKED when it did, else the stored decision, which the queued work completes.
 */
import type { Operation } from '../operation';
import { presentRequest } from '../presenters';
import { approveBody, decisionBody, emptyBody, parseOrThrow, revokeBody } from '../schemas';
import { requestIdOf } from './request-id';

/** How long an answer waits for the AWS work behind it: well inside the 2 s the contract allows. */
export const SETTLE_IN_ANSWER_MS = 1_500;

export const approveRequest: Operation = async (input, app) => {
  const approver = input.caller().principal;
  const { comment, statementHash } = parseOrThrow(approveBody, input.body ?? {});
  const decided = await app.decide.approve({
    approver,
    id: requestIdOf(input),
    comment: comment ?? null,
    statementHash: statementHash ?? null,
  });
  const request = decided.status === 'APPROVED' ? await app.settle.settleSoon(decided, SETTLE_IN_ANSWER_MS) : decided;
  return { statusCode: 200, body: presentRequest(request) };
};

export const rejectRequest: Operation = async (input, app) => {
  const approver = input.caller().principal;
  const { comment } = parseOrThrow(decisionBody, input.body ?? {});
  const request = await app.decide.reject({ approver, id: requestIdOf(input), comment: comment ?? null });
  return { statusCode: 200, body: presentRequest(request) };
};

export const cancelRequest: Operation = async (input, app) => {
  const caller = input.caller().principal;
  parseOrThrow(emptyBody, input.body ?? {});
  return { statusCode: 200, body: presentRequest(await app.cancelRequest(caller, requestIdOf(input))) };
};

/** 200 with REVOKED once the permission is gone; 202 with the marked, still ACTIVE request while it is removed. */
export const revokeRequest: Operation = async (input, app) => {
  const caller = input.caller().principal;
  const { reason } = parseOrThrow(revokeBody, input.body ?? {});
  const marked = await app.revokeRequest(caller, requestIdOf(input), reason ?? null);
  const request = await app.settle.settleSoon(marked, SETTLE_IN_ANSWER_MS);
  return { statusCode: request.status === 'REVOKED' ? 200 : 202, body: presentRequest(request) };
};

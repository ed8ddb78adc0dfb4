/**
 * Decisions on a request: POST /v1/requests/{id}/approve | reject | cancel | revoke | extend. Approve and revoke store
 * the decision first, then give the AWS work a short while to finish (docs/api.md, Answers, and the work behind them):
 * the answer shows ACTIVE/REVOKED when it did, else the stored decision, which the queued work completes.
 */
import type { GrantRequest } from '../../../domain/model/request';
import { settledByDue } from '../answer-within';
import type { Operation } from '../operation';
import { presentRequest } from '../presenters';
import { approveBody, decisionBody, emptyBody, extendBody, parseOrThrow, revokeBody } from '../schemas';
import { requestIdOf } from './request-id';

/**
 * When an approve or revoke answers at the latest, counted from the operation's start: the 2 s the contract allows,
 * less room for transport and a busy store. The decision comes first; the AWS work gets what is left.
 */
export const DECISION_ANSWER_DUE_MS = 1_500;

/** Settles a just-stored request until DECISION_ANSWER_DUE_MS after `startedAt`, then answers with what is stored. */
export const settledForAnswer = (app: Parameters<Operation>[1], decided: GrantRequest, startedAt: number) =>
  settledByDue(app.settle, decided, startedAt, DECISION_ANSWER_DUE_MS);

export const approveRequest: Operation = async (input, app) => {
  const startedAt = performance.now();
  const approver = input.caller();
  const { comment, statementHash, step } = parseOrThrow(approveBody, input.body ?? {});
  const decided = await app.decide.approve({
    approver,
    id: requestIdOf(input),
    comment: comment ?? null,
    statementHash: statementHash ?? null,
    step: step ?? null,
  });
  const request = decided.status === 'APPROVED' ? await settledForAnswer(app, decided, startedAt) : decided;
  return { statusCode: 200, body: presentRequest(request) };
};

export const rejectRequest: Operation = async (input, app) => {
  const approver = input.caller();
  const { comment } = parseOrThrow(decisionBody, input.body ?? {});
  const request = await app.decide.reject({ approver, id: requestIdOf(input), comment: comment ?? null });
  return { statusCode: 200, body: presentRequest(request) };
};

export const cancelRequest: Operation = async (input, app) => {
  const caller = input.caller();
  parseOrThrow(emptyBody, input.body ?? {});
  return { statusCode: 200, body: presentRequest(await app.cancelRequest(caller, requestIdOf(input))) };
};

/** 200 with REVOKED once the permission is gone; 202 with the marked, still ACTIVE request while it is removed. */
export const revokeRequest: Operation = async (input, app) => {
  const startedAt = performance.now();
  const caller = input.caller();
  const { reason } = parseOrThrow(revokeBody, input.body ?? {});
  const marked = await app.revokeRequest(caller, requestIdOf(input), reason ?? null);
  const request = await settledForAnswer(app, marked, startedAt);
  return { statusCode: request.status === 'REVOKED' ? 200 : 202, body: presentRequest(request) };
};

/**
 * 201 with the extension (docs/api.md, `POST /v1/requests/{id}/extend`): PENDING, or, when its entry auto-approves,
 * final at once (EXTENDED or FAILED) if it took effect within the answer's time, else APPROVED while the queued work
 * finishes it.
 */
export const extendRequest: Operation = async (input, app) => {
  const startedAt = performance.now();
  const caller = input.caller();
  const { durationSeconds, reason, ticket } = parseOrThrow(extendBody, input.body);
  const extension = await app.extendRequest({
    caller,
    id: requestIdOf(input),
    durationSeconds,
    reason,
    ticket: ticket ?? null,
  });
  const request = extension.status === 'APPROVED' ? await settledForAnswer(app, extension, startedAt) : extension;
  return { statusCode: 201, body: presentRequest(request) };
};

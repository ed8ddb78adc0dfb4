/** Request endpoints: POST /v1/requests (dry run, Idempotency-Key), GET /v1/requests/{id}, GET /v1/requests. */
import { settledByDue } from '../answer-within';
import type { Operation } from '../operation';
import { presentRequest } from '../presenters';
import { requestIdOf } from './request-id';
import { IDEMPOTENCY_KEY, createRequestBody, createRequestQuery, listRequestsQuery, parseOrThrow } from '../schemas';

/** Create answers within 1 s (docs/api.md, Answers, and the work behind them): by then at the latest, counted from the start. */
const CREATE_ANSWER_DUE_MS = 700;

export const createRequest: Operation = async (input, app) => {
  const startedAt = performance.now();
  const caller = input.caller();
  const query = parseOrThrow(createRequestQuery, input.query);
  const rawKey = input.headers['idempotency-key'];
  const idempotencyKey = rawKey === undefined ? null : parseOrThrow(IDEMPOTENCY_KEY, rawKey, 'Idempotency-Key');
  const ask = parseOrThrow(createRequestBody, input.body);
  const dryRun = query.dryRun === 'true';
  const created = await app.createRequest({ caller, ask, dryRun, idempotencyKey });
  const { replayed } = created;
  // Auto-approved: give the grant a moment to become ACTIVE, as for an approval (the queued work finishes it).
  const request =
    created.request.status === 'APPROVED' && !dryRun
      ? await settledByDue(app.settle, created.request, startedAt, CREATE_ANSWER_DUE_MS)
      : created.request;
  return {
    statusCode: dryRun ? 200 : 201,
    body: presentRequest(request, { dryRun }),
    ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
};

export const getRequest: Operation = async (input, app) => {
  const caller = input.caller();
  return { statusCode: 200, body: presentRequest(await app.getRequest(caller, requestIdOf(input))) };
};

export const listRequests: Operation = async (input, app) => {
  const caller = input.caller();
  const query = parseOrThrow(listRequestsQuery, input.query);
  const page = await app.listRequests({
    caller,
    status: query.status ?? null,
    functionName: query.functionName ?? null,
    limit: query.limit ?? 25,
    nextToken: query.nextToken ?? null,
    overdue: query.overdue === 'true',
    mine: query.mine === 'true',
  });
  return { statusCode: 200, body: { items: page.items.map((r) => presentRequest(r)), nextToken: page.nextToken } };
};

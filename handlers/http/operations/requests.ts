/** Request endpoints: POST /v1/requests (dry run, Idempotency-Key), GET /v1/requests/{id}, GET /v1/requests. */
import { NotFoundError } from '../../../domain/errors';
import type { Operation } from '../operation';
import { presentRequest } from '../presenters';
import {
  IDEMPOTENCY_KEY,
  REQUEST_ID,
  createRequestBody,
  createRequestQuery,
  listRequestsQuery,
  parseOrThrow,
} from '../schemas';

export const createRequest: Operation = async (input, app) => {
  const caller = input.caller();
  const query = parseOrThrow(createRequestQuery, input.query);
  const rawKey = input.headers['idempotency-key'];
  const idempotencyKey = rawKey === undefined ? null : parseOrThrow(IDEMPOTENCY_KEY, rawKey, 'Idempotency-Key');
  const ask = parseOrThrow(createRequestBody, input.body);
  const dryRun = query.dryRun === 'true';
  const { request, replayed } = await app.createRequest({ caller, ask, dryRun, idempotencyKey });
  return {
    statusCode: dryRun ? 200 : 201,
    body: presentRequest(request, { dryRun }),
    ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
};

export const getRequest: Operation = async (input, app) => {
  const caller = input.caller().principal;
  const id = input.pathParameters.id ?? '';
  if (!REQUEST_ID.test(id)) throw new NotFoundError(`request ${id} not found`);
  return { statusCode: 200, body: presentRequest(await app.getRequest(caller, id)) };
};

export const listRequests: Operation = async (input, app) => {
  const caller = input.caller().principal;
  const query = parseOrThrow(listRequestsQuery, input.query);
  const page = await app.listRequests({
    caller,
    status: query.status ?? null,
    functionName: query.functionName ?? null,
    limit: query.limit ?? 25,
    nextToken: query.nextToken ?? null,
  });
  return { statusCode: 200, body: { items: page.items.map((r) => presentRequest(r)), nextToken: page.nextToken } };
};

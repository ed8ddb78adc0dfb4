/**
 * Bringing existing statements under management (docs/adoption.md, Adopt), admins only: GET /v1/admin/discover lists
 * the statements the broker does not manage, POST /v1/admin/adopt turns one into a managed grant.
 */
import type { Operation } from '../operation';
import { presentRequest } from '../presenters';
import { adoptBody, discoverQuery, parseOrThrow } from '../schemas';
import { settledForAnswer } from './decisions';

/** API Gateway gives an integration 29 s: a discover page stops reading policies after this long. */
const DISCOVER_BUDGET_MS = 20_000;
const DISCOVER_PAGE = 50;

export const discoverStatements: Operation = async (input, app) => {
  const caller = input.caller();
  const query = parseOrThrow(discoverQuery, input.query);
  const page = await app.discover({
    caller,
    limit: query.limit ?? DISCOVER_PAGE,
    nextToken: query.nextToken ?? null,
    budgetMs: DISCOVER_BUDGET_MS,
  });
  return { statusCode: 200, body: page };
};

/**
 * 201 with the request: ACTIVE when the swap was done within the answer's time, else APPROVED (the work finishes it).
 */
export const adoptStatement: Operation = async (input, app) => {
  const startedAt = performance.now();
  const caller = input.caller();
  const body = parseOrThrow(adoptBody, input.body);
  const adopted = await app.adoptStatement({ caller, ...body, qualifier: body.qualifier ?? null });
  const request = await settledForAnswer(app, adopted, startedAt);
  return { statusCode: 201, body: presentRequest(request) };
};

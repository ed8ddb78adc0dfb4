/** Admin operations: POST /v1/admin/sweep runs one sweep now and reports what it did. */
import { ForbiddenError } from '../../../domain/errors';
import { isAdmin } from '../../../domain/rules/access';
import type { Operation } from '../operation';
import { emptyBody, noQuery, parseOrThrow } from '../schemas';

/** API Gateway gives an integration 29 s; leave room to answer. */
const HTTP_SWEEP_BUDGET_MS = 20_000;

export const runSweep: Operation = async (input, app) => {
  const caller = input.caller().principal;
  if (!isAdmin(app.settings, caller)) throw new ForbiddenError('only broker admins may run a sweep');
  parseOrThrow(noQuery, input.query);
  parseOrThrow(emptyBody, input.body ?? {});
  const report = await app.sweep({ budgetMs: HTTP_SWEEP_BUDGET_MS });
  return { statusCode: 200, body: report };
};

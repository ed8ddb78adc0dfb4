/**
 * Admin operations: POST /v1/admin/sweep runs one pass now and reports what it did; POST /v1/admin/reconcile runs a
 * page of the drift reconcile (as many functions as fit the API's time limit) and says where the next page starts.
 */
import type { App } from '../../app';
import type { Operation, OperationInput } from '../operation';
import { emptyBody, parseOrThrow, reconcileQuery } from '../schemas';

/** API Gateway gives an integration 29 s; leave room to answer. */
const HTTP_BUDGET_MS = 20_000;

async function requireAdminCall(input: OperationInput, app: App, what: string): Promise<void> {
  await app.requireAdmin(input.caller(), what);
  parseOrThrow(emptyBody, input.body ?? {});
}

export const runSweep: Operation = async (input, app) => {
  await requireAdminCall(input, app, 'run a sweep');
  const report = await app.sweep({ budgetMs: HTTP_BUDGET_MS });
  return { statusCode: 200, body: report };
};

export const runReconcile: Operation = async (input, app) => {
  await requireAdminCall(input, app, 'run a reconcile');
  const { cursor } = parseOrThrow(reconcileQuery, input.query);
  return { statusCode: 200, body: await app.reconcile({ cursor: cursor ?? null, budgetMs: HTTP_BUDGET_MS }) };
};

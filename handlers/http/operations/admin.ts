/** Admin operations: POST /v1/admin/sweep and /v1/admin/reconcile run one pass now and report what it did. */
import { requireAdmin } from '../../../domain/rules/access';
import type { BrokerSettings } from '../../../domain/settings';
import type { Operation, OperationInput } from '../operation';
import { emptyBody, parseOrThrow } from '../schemas';

/** API Gateway gives an integration 29 s; leave room to answer. */
const HTTP_SWEEP_BUDGET_MS = 20_000;

function requireAdminCall(input: OperationInput, settings: BrokerSettings, what: string): void {
  requireAdmin(settings, input.caller().principal, what);
  parseOrThrow(emptyBody, input.body ?? {});
}

export const runSweep: Operation = async (input, app) => {
  requireAdminCall(input, app.settings, 'run a sweep');
  const report = await app.sweep({ budgetMs: HTTP_SWEEP_BUDGET_MS });
  return { statusCode: 200, body: report };
};

export const runReconcile: Operation = async (input, app) => {
  requireAdminCall(input, app.settings, 'run a reconcile');
  return { statusCode: 200, body: await app.reconcile() };
};

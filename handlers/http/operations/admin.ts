/**
 * Admin operations: POST /v1/admin/sweep runs one pass now and reports what it did; POST /v1/admin/reconcile runs a
 * page of the drift reconcile (as many functions as fit the API's time limit) and says where the next page starts;
 * GET /v1/audit pages the audit trail (admins and auditors, docs/audit.md, Reading the trail).
 */
import type { App } from '../../app';
import type { Operation, OperationInput } from '../operation';
import { auditQuery, emptyBody, parseOrThrow, reconcileQuery } from '../schemas';

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

export const listAudit: Operation = async (input, app) => {
  const caller = input.caller();
  const query = parseOrThrow(auditQuery, input.query);
  const page = await app.readAudit({
    caller,
    since: query.since ?? null,
    until: query.until ?? null,
    functionName: query.functionName ?? null,
    requester: query.requester ?? null,
    limit: query.limit ?? 25,
    nextToken: query.nextToken ?? null,
  });
  return { statusCode: 200, body: page };
};

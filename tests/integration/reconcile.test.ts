/**
 * Drift reconcile against moto: orphans removed, missing statements re-applied, a statement that changed meaning
 * (a deleted role shown as its AROA… id) flagged, foreign statements untouched, and principals that moto stores in
 * another form (raw account id, raw ARN) not mistaken for drift.
 */
import { AddPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import type { App } from '../../handlers/app';
import { approveNow, createFunction, motoApp, policyStatements, testClients } from '../support/aws';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry } from '../support/fixtures';

let app: App;
let clients: ReturnType<typeof testClients>;

beforeEach(async () => {
  ({ app, clients } = await motoApp('reconcile-broker', {}, { sleep: () => Promise.resolve() }));
  for (const name of ['order-processor', 'order-auditor', 'billing-engine']) await createFunction(clients, name);
  await app.allowlist.put(ADMIN, 'orders', openEntry());
});

async function activeGrant(ask: Record<string, unknown>) {
  const { request } = await app.createRequest({
    caller: { principal: REQUESTER, session: null },
    ask: { ...baseAsk, ...ask },
    dryRun: false,
    idempotencyKey: null,
  });
  const active = await approveNow(app, request.id);
  expect(active.status).toBe('ACTIVE');
  return active;
}

const add = (fn: string, sid: string, principal: string) =>
  clients.lambda.send(
    new AddPermissionCommand({
      FunctionName: fn,
      StatementId: sid,
      Action: 'lambda:InvokeFunction',
      Principal: principal,
    }),
  );
const sids = async (fn: string) => (await policyStatements(clients, fn)).map((s) => s.Sid).sort();

it('finds nothing to do when policies match, even with principals stored in another form', async () => {
  const account = await activeGrant(PRINCIPAL_CASES[5].ask);
  const role = await activeGrant(PRINCIPAL_CASES[6].ask);
  // moto keeps both principals as raw strings where AWS would store {"AWS": …}.
  expect((await policyStatements(clients, 'order-processor')).map((s) => s.Principal)).toEqual([
    '987654321098',
    'arn:aws:iam::987654321098:role/orders-reader',
  ]);
  const report = await app.reconcile();
  expect(report).toEqual({ checkedFunctions: 2, orphansRemoved: [], missing: [], accountsUnreachable: [] });
  expect(await sids('order-processor')).toEqual([account.statementId, role.statementId].sort());
});

it('removes orphans, re-applies what is missing, flags what changed meaning, and leaves foreign statements alone', async () => {
  const missing = await activeGrant(PRINCIPAL_CASES[2].ask);
  const changed = await activeGrant(PRINCIPAL_CASES[6].ask);
  await clients.lambda.send(
    new RemovePermissionCommand({ FunctionName: 'order-processor', StatementId: missing.statementId }),
  );
  // The grantee role was deleted: AWS now shows its unique id in place of the ARN.
  await clients.lambda.send(
    new RemovePermissionCommand({ FunctionName: 'order-processor', StatementId: changed.statementId }),
  );
  await add('order-processor', changed.statementId, 'AROA3XFRBF535PLBIFPI4');
  await add('order-processor', 'lpb-orphan-1', '987654321098');
  await add('order-auditor', 'lpb-orphan-2', '987654321098');
  await add('order-auditor', 'team-owned', '987654321098');
  await add('billing-engine', 'lpb-not-ours-to-judge', '987654321098');

  const report = await app.reconcile();
  expect(report.checkedFunctions).toBe(2);
  expect(report.orphansRemoved.sort((a, b) => (a.statementId < b.statementId ? -1 : 1))).toEqual([
    { functionArn: missing.functionArn, statementId: 'lpb-orphan-1' },
    { functionArn: missing.functionArn.replace('order-processor', 'order-auditor'), statementId: 'lpb-orphan-2' },
  ]);
  expect(report.missing).toEqual(
    expect.arrayContaining([
      {
        requestId: missing.id,
        functionArn: missing.functionArn,
        statementId: missing.statementId,
        action: 'REAPPLIED',
      },
      { requestId: changed.id, functionArn: changed.functionArn, statementId: changed.statementId, action: 'FLAGGED' },
    ]),
  );
  expect(await sids('order-processor')).toEqual([changed.statementId, missing.statementId].sort());
  expect(await sids('order-auditor')).toEqual(['team-owned']);
  // Outside every allowlist entry: not the broker's to reconcile.
  expect(await sids('billing-engine')).toEqual(['lpb-not-ours-to-judge']);
  const flagged = await app.getRequest(ADMIN, changed.id);
  expect(flagged.history.at(-1)).toMatchObject({ event: 'DRIFT', detail: { action: 'FLAGGED' } });
  expect(flagged.status).toBe('ACTIVE');
});

it('leaves statements of requests still being applied alone', async () => {
  const { request } = await app.createRequest({
    caller: { principal: REQUESTER, session: null },
    ask: { ...baseAsk, ...PRINCIPAL_CASES[5].ask },
    dryRun: false,
    idempotencyKey: null,
  });
  // As if the broker stopped right after AddPermission, before recording ACTIVE.
  const { DynamoRequestStore } = await import('../../adapters/dynamodb/request-store');
  const { move } = await import('../../domain/state-machine');
  await new DynamoRequestStore(clients.doc, 'reconcile-broker').update(
    request,
    move(request, 'APPROVED', { at: new Date(), actor: APPROVER }),
  );
  await add('order-processor', request.statementId, '987654321098');
  expect((await app.reconcile()).orphansRemoved).toEqual([]);
  expect(await sids('order-processor')).toEqual([request.statementId]);
});

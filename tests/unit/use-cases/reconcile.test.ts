/**
 * Drift reconcile with in-memory ports and a controllable clock: races with revokes and approvals that happen while a
 * run is under way (issue #15, finding 8), findings recorded once, pages within a time budget, unreachable accounts.
 */
import { AccountUnreachableError, UnavailableError, ValidationError } from '../../../domain/errors';
import type { GrantRequest } from '../../../domain/model/request';
import type { PolicyTarget } from '../../../domain/ports';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, fnArn, openEntry, who } from '../../support/fixtures';
import { inMemoryApp, newRequest } from '../../support/in-memory-app';

const FN = fnArn('order-processor');
const AUDITOR = fnArn('order-auditor');
const SPOKE = '222233334444';

async function setup(settingsOverrides: Parameters<typeof inMemoryApp>[2] = {}) {
  const ctx = inMemoryApp({}, {}, settingsOverrides);
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  await ctx.drain();
  const activeGrant = async (ask: Record<string, unknown> = PRINCIPAL_CASES[5].ask) => {
    const request = await newRequest(ctx.app, ask);
    await ctx.app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
    await ctx.drain();
    const active = (await ctx.store.get(request.id)) as GrantRequest;
    expect(active.status).toBe('ACTIVE');
    return active;
  };
  /** The statement of `sid` taken out of the function's policy behind the broker's back. */
  const dropStatement = (sid: string, functionArn = FN) => {
    const policy = ctx.policies.policies.get(`${functionArn}:`);
    if (policy) policy.statements = policy.statements.filter((s) => s.Sid !== sid);
  };
  const sidsOn = (functionArn = FN) => ctx.policies.statements(functionArn).map((s) => s.Sid);
  /** `work` runs once, when the run reads `functionArn`'s policy (before or after it looks). */
  const during = (moment: 'before' | 'after', work: () => Promise<void>, functionArn = FN) => {
    let done = false;
    ctx.policies.interleave = async (target: PolicyTarget, now) => {
      if (done || now !== moment || target.functionName !== functionArn || target.qualifier !== null) return;
      done = true;
      await work();
    };
  };
  return { ...ctx, activeGrant, dropStatement, sidsOn, during };
}

describe('finding 8 — reconcile races', () => {
  it('finding 8 — reconcile races: a revoke during a run is not undone (no REAPPLIED after REVOKED)', async () => {
    const { app, store, drain, activeGrant, dropStatement, sidsOn, during } = await setup();
    const grant = await activeGrant();
    dropStatement(grant.statementId);
    // The run sees the statement missing; before it acts, the requester revokes and the revoke is finished.
    during('after', async () => {
      await app.revokeRequest(who(REQUESTER), grant.id, 'incident');
      await drain();
    });
    const report = await app.reconcile();
    const after = (await store.get(grant.id)) as GrantRequest;
    expect(after.status).toBe('REVOKED');
    expect(after.history.map((e) => e.event).slice(-2)).toEqual(['REVOKE_REQUESTED', 'REVOKED']);
    expect(after.history.some((e) => e.event === 'DRIFT')).toBe(false);
    expect(report.missing).toEqual([]);
    expect(sidsOn()).toEqual([]);
  });

  it('finding 8 — reconcile races: nor a revoke still removing its statement (ACTIVE, being revoked)', async () => {
    const { app, store, policies, activeGrant, dropStatement, sidsOn, during } = await setup();
    const revoking = await activeGrant();
    dropStatement(revoking.statementId);
    // The revoke is recorded and its removal was throttled: the grant is still ACTIVE, with the revoke marker.
    during('after', async () => {
      policies.failures.remove = [new UnavailableError('throttled')];
      await app.revokeRequest(who(REQUESTER), revoking.id, 'incident');
      await app.settle.settleWithin(revoking.id, 1000);
    });
    const report = await app.reconcile();
    expect(report.missing).toEqual([]);
    expect(await store.get(revoking.id)).toMatchObject({ status: 'ACTIVE', ending: { as: 'REVOKED' } });
    expect(sidsOn()).toEqual([]);
  });

  it('finding 8 — reconcile races: nor a grant that reached its end during the run', async () => {
    const { app, store, clock, activeGrant, dropStatement, sidsOn, during } = await setup();
    const ending = await activeGrant();
    dropStatement(ending.statementId);
    during('after', () => {
      clock.advance(3600);
      return Promise.resolve();
    });
    const report = await app.reconcile();
    expect(report.missing).toEqual([]);
    expect(sidsOn()).toEqual([]);
    expect((await store.get(ending.id))?.history.some((e) => e.event === 'DRIFT')).toBe(false);
  });

  it('finding 8 — reconcile races: an approval during a run keeps its new statement (not removed as an orphan)', async () => {
    const { app, store, drain, sidsOn, during } = await setup();
    const request = await newRequest(app, PRINCIPAL_CASES[5].ask);
    // The run listed the ACTIVE grants before this one was approved and applied, then reads the policy.
    during('before', async () => {
      await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
      await drain();
    });
    const report = await app.reconcile();
    expect((await store.get(request.id))?.status).toBe('ACTIVE');
    expect(report.orphansRemoved).toEqual([]);
    expect(sidsOn()).toEqual([request.statementId]);
  });

  it('finding 8 — reconcile races: nor one whose grant is being applied (APPROVED, statement in, not yet recorded)', async () => {
    const { app, store, leases, sidsOn, during, policies } = await setup();
    const request = await newRequest(app, PRINCIPAL_CASES[5].ask);
    during('before', async () => {
      await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
      // A worker added the statement and has not recorded ACTIVE yet (it still holds the lease).
      await policies.add({ functionName: FN, qualifier: null }, request.statement as never, null);
      await leases.acquire(request.id, 'applying-worker', new Date('2026-11-26T12:01:00.000Z'));
    });
    expect((await app.reconcile()).orphansRemoved).toEqual([]);
    expect((await store.get(request.id))?.status).toBe('APPROVED');
    expect(sidsOn()).toEqual([request.statementId]);
  });

  it('removes a true orphan: a statement whose request ended, or that no request ever had', async () => {
    const { app, store, activeGrant, sidsOn, policies } = await setup();
    const grant = await activeGrant();
    const leftover = { ...(grant.statement as object), Sid: 'lpb-never-requested' } as Record<string, unknown>;
    // Expired, but its statement is still there (a removal that was lost).
    const expired = { ...grant, status: 'EXPIRED' as const, version: grant.version };
    await store.update(grant, expired);
    policies.seed(FN, [...policies.statements(FN), leftover]);
    const report = await app.reconcile();
    expect(report.orphansRemoved.map((o) => o.statementId).sort()).toEqual(
      [grant.statementId, 'lpb-never-requested'].sort(),
    );
    expect(sidsOn()).toEqual([]);
  });
});

describe('reconcile', () => {
  it('records a finding once, however many runs find it again, and again when it changes', async () => {
    const { app, store, policies, activeGrant } = await setup();
    const grant = await activeGrant();
    const statement = policies.statements(FN)[0] as Record<string, unknown>;
    statement.Principal = { AWS: 'AROA3XFRBF535PLBIFPI4' };
    for (let run = 0; run < 3; run++) {
      expect((await app.reconcile()).missing).toEqual([
        expect.objectContaining({ requestId: grant.id, action: 'FLAGGED', part: 'statement' }),
      ]);
    }
    expect((await store.get(grant.id))?.history.filter((e) => e.event === 'DRIFT')).toHaveLength(1);
    statement.Principal = '*';
    await app.reconcile();
    expect((await store.get(grant.id))?.history.filter((e) => e.event === 'DRIFT')).toHaveLength(2);
  });

  it('stops at its time budget and says where the next page starts; that page goes on from there', async () => {
    const { app, clock, policies } = await setup();
    policies.seed(AUDITOR, [{ Sid: 'lpb-orphan', Effect: 'Allow', Principal: '*', Resource: AUDITOR }]);
    policies.seed(FN, [{ Sid: 'lpb-orphan-2', Effect: 'Allow', Principal: '*', Resource: FN }]);
    // The first function (in ARN order) takes the whole budget.
    policies.interleave = (target) => {
      if (target.functionName === AUDITOR) clock.advance(30);
      return Promise.resolve();
    };
    const first = await app.reconcile({ budgetMs: 20_000 });
    expect(first.orphansRemoved.map((o) => o.functionArn)).toEqual([AUDITOR]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await app.reconcile({ cursor: first.nextCursor, budgetMs: 20_000 });
    expect(second.orphansRemoved.map((o) => o.functionArn)).toEqual([FN]);
    // Only order-processor: its own policy, and its alias's and its version's.
    expect(second.checkedFunctions).toBe(3);
    expect(second.nextCursor).toBeNull();
    await expect(app.reconcile({ cursor: 'not-a-cursor' })).rejects.toThrow(ValidationError);
  });

  it('skips an account it cannot reach, reports it, and reconciles the other accounts', async () => {
    const { app, functions, policies } = await setup({ targetAccounts: ['123456789012', SPOKE, '333344445555'] });
    const spokeFn = `arn:aws:lambda:us-east-1:${SPOKE}:function:order-spoke`;
    await app.allowlist.put(
      who(ADMIN),
      'spokes',
      openEntry({ functions: [`arn:aws:lambda:us-east-1:${SPOKE}:function:*`] }),
    );
    const listArns = functions.listArns.bind(functions);
    functions.listArns = (account: string) => {
      if (account === '333344445555') return Promise.reject(new AccountUnreachableError(account, 'cannot assume'));
      return account === SPOKE ? Promise.resolve([spokeFn, `${spokeFn}-2`]) : listArns(account);
    };
    const read = policies.read.bind(policies);
    policies.read = (target) =>
      target.functionName.includes(SPOKE)
        ? Promise.reject(new AccountUnreachableError(SPOKE, 'spoke role cannot be assumed'))
        : read(target);
    policies.seed(FN, [{ Sid: 'lpb-orphan', Effect: 'Allow', Principal: '*', Resource: FN }]);
    const report = await app.reconcile();
    expect(report.accountsUnreachable).toEqual([SPOKE, '333344445555']);
    expect(report.orphansRemoved.map((o) => o.statementId)).toEqual(['lpb-orphan']);
    expect(report.failures).toEqual([]);
    // order-auditor, and order-processor with its alias and version; nothing of the spoke.
    expect(report.checkedFunctions).toBe(4);
  });
});

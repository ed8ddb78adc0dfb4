/**
 * Many accounts in memory (docs/deploy.md, Many accounts (hub and spokes)): which accounts the broker acts in, and what
 * a spoke whose role cannot be assumed (AccountUnreachableError from the gateways) does to the lifecycle — creation 503
 * with nothing stored, applies retried every 30 s and FAILED with the reason after the give-up time, removals retried
 * for ever.
 */
import { AccountNotTargetedError, AccountUnreachableError, UnavailableError } from '../../../domain/errors';
import { APPLY_GIVE_UP_MS } from '../../../domain/use-cases/settle-request';
import { loadConfig } from '../../../handlers/config';
import {
  ACCOUNT,
  ADMIN,
  APPROVER,
  OTHER_ACCOUNT,
  SPOKE_ACCOUNT,
  SPOKE_FUNCTION,
  openEntry,
  who,
} from '../../support/fixtures';
import { inMemoryApp, newRequest } from '../../support/in-memory-app';

const unreachable = () =>
  new AccountUnreachableError(SPOKE_ACCOUNT, `account ${SPOKE_ACCOUNT} is unreachable: the broker could not assume it`);
const spokeAsk = { functionName: SPOKE_FUNCTION, principal: OTHER_ACCOUNT };

async function withSpoke(targets = `${ACCOUNT},${SPOKE_ACCOUNT}`) {
  const ctx = inMemoryApp({ BROKER_TARGET_ACCOUNTS: targets });
  await ctx.app.allowlist.put(who(ADMIN), 'any', openEntry({ functions: ['arn:aws:lambda:us-east-1:*:function:*'] }));
  const approve = async (id: string) => {
    await ctx.app.decide.approve({ approver: who(APPROVER), id, comment: null });
    await ctx.drain();
    return ctx.app.getRequest(who(ADMIN), id);
  };
  return { ...ctx, approve };
}

describe('configuration', () => {
  it('reads the target accounts and the spoke role name, and stops on bad ones naming the variable', () => {
    const config = loadConfig({ AWS_REGION: 'us-east-1', BROKER_TARGET_ACCOUNTS: ` ${ACCOUNT}, ${SPOKE_ACCOUNT} ` });
    expect(config.BROKER_TARGET_ACCOUNTS).toEqual([ACCOUNT, SPOKE_ACCOUNT]);
    expect(config.BROKER_SPOKE_ROLE_NAME).toBe('lambda-permission-broker-spoke');
    expect(() => loadConfig({ AWS_REGION: 'us-east-1', BROKER_TARGET_ACCOUNTS: '12345' })).toThrow(
      /BROKER_TARGET_ACCOUNTS/,
    );
    expect(() => loadConfig({ AWS_REGION: 'us-east-1', BROKER_SPOKE_ROLE_NAME: 'role/with/path' })).toThrow(
      /BROKER_SPOKE_ROLE_NAME/,
    );
  });
});

describe('target accounts', () => {
  it('grants on a function of a target account, in that account', async () => {
    const { app, approve, policies } = await withSpoke();
    const r = await newRequest(app, spokeAsk);
    expect(r.functionArn).toBe(SPOKE_FUNCTION);
    expect((await approve(r.id)).status).toBe('ACTIVE');
    expect(policies.statements(SPOKE_FUNCTION).map((s) => s.Sid)).toEqual([r.statementId]);
  });

  it('refuses any other account before the allowlist and the function directory, storing nothing', async () => {
    const { app, functions, store } = await withSpoke(ACCOUNT);
    await expect(newRequest(app, spokeAsk)).rejects.toThrow(AccountNotTargetedError);
    expect(functions.calls).toEqual([]);
    expect(store.requests.size).toBe(0);
  });
});

describe('a spoke whose role cannot be assumed', () => {
  it('answers a new request with 503 and stores nothing', async () => {
    const { app, functions, store } = await withSpoke();
    const resolve = functions.resolve.bind(functions);
    functions.resolve = (name, qualifier) =>
      name === SPOKE_FUNCTION ? Promise.reject(unreachable()) : resolve(name, qualifier);
    await expect(newRequest(app, spokeAsk)).rejects.toThrow(UnavailableError);
    expect(store.requests.size).toBe(0);
  });

  it('retries an apply every 30 s and ends it FAILED with the reason after the give-up time', async () => {
    const { app, approve, policies, scheduler, advance } = await withSpoke();
    const r = await newRequest(app, spokeAsk);
    policies.failures.read = Array.from({ length: 100 }, unreachable);
    expect((await approve(r.id)).status).toBe('APPROVED');
    expect(scheduler.scheduled).toEqual([{ requestId: r.id, kind: 'now', at: '2026-11-26T12:00:30.000Z' }]);

    await advance(APPLY_GIVE_UP_MS / 1000 + 1);
    const failed = await app.getRequest(who(ADMIN), r.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.failure?.reason).toMatch(
      new RegExp(`^not applied within 30 minutes: account ${SPOKE_ACCOUNT} is unreachable`),
    );
  });

  it('never gives a removal up, and removes once the account is back', async () => {
    const { app, approve, policies, scheduler, advance } = await withSpoke();
    const r = await newRequest(app, spokeAsk);
    expect((await approve(r.id)).status).toBe('ACTIVE');
    policies.failures.remove = Array.from({ length: 1000 }, unreachable);

    await advance(3600);
    expect(scheduler.scheduled).toEqual([{ requestId: r.id, kind: 'timer', at: '2026-11-26T13:00:30.000Z' }]);
    for (let hour = 0; hour < 48; hour++) await advance(3600);
    expect((await app.getRequest(who(ADMIN), r.id)).status).toBe('ACTIVE');
    expect(policies.statements(SPOKE_FUNCTION)).toHaveLength(1);

    policies.failures.remove = [];
    await advance(30);
    expect((await app.getRequest(who(ADMIN), r.id)).status).toBe('EXPIRED');
    expect(policies.statements(SPOKE_FUNCTION)).toEqual([]);
  });

  it('is reported by reconcile, which reconciles the other accounts', async () => {
    const { app, approve, policies } = await withSpoke();
    const fine = await newRequest(app, { principal: OTHER_ACCOUNT });
    expect((await approve(fine.id)).status).toBe('ACTIVE');
    const spoke = await newRequest(app, spokeAsk);
    expect((await approve(spoke.id)).status).toBe('ACTIVE');
    const read = policies.read.bind(policies);
    policies.read = (target) => (target.functionName === SPOKE_FUNCTION ? Promise.reject(unreachable()) : read(target));

    const report = await app.reconcile();
    expect(report.accountsUnreachable).toEqual([SPOKE_ACCOUNT]);
    // The broker account's two functions, and order-processor's alias and version: every policy but the spoke's.
    expect(report.checkedFunctions).toBe(4);
    expect(report.failures).toEqual([]);
  });
});

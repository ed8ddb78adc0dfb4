/**
 * A grant's life on the in-memory app, one verb a step: create as the orders CI role, approve or revoke and let the
 * pipeline behind the answer run (stream dispatch, queued work), read the request as stored after.
 */
import type { AllowlistEntryInput } from '../../domain/model/allowlist-entry';
import type { GrantAsk } from '../../domain/model/grant-ask';
import { ADMIN, APPROVER, PRINCIPAL_CASES, fnArn, openEntry, who } from './fixtures';
import { inMemoryApp, newRequest } from './in-memory-app';

export async function grantFlow(entry: AllowlistEntryInput = openEntry(), env: Record<string, string> = {}) {
  const ctx = inMemoryApp(env);
  await ctx.app.allowlist.put(who(ADMIN), 'orders', entry);
  const create = (ask: Partial<GrantAsk> = PRINCIPAL_CASES[2].ask) => newRequest(ctx.app, ask);
  /** An approval, then the pipeline behind it (stream dispatch, queued work): the request as stored after. */
  const approve = async (id: string, approver = APPROVER) => {
    const decided = await ctx.app.decide.approve({ approver: who(approver), id, comment: null });
    await ctx.drain();
    return (await ctx.store.get(decided.id)) ?? decided;
  };
  const revoke = async (caller: string, id: string, reason: string | null = null) => {
    await ctx.app.revokeRequest(who(caller), id, reason);
    await ctx.drain();
    return ctx.app.getRequest(who(ADMIN), id);
  };
  const statementsOnFunction = () => ctx.policies.statements(fnArn('order-processor'));
  return { ...ctx, create, approve, revoke, statementsOnFunction };
}

/**
 * Allowlist re-checks that the stream never delivered are recovered by the sweep (issue #20, point 4; docs/api.md,
 * Answers, and the work behind them): every entry change leaves a marker that only a finished re-check begun after it
 * removes; the sweep re-checks the entries whose marker is older than RECHECK_GRACE_MS.
 */
import type { GrantRequest } from '../../../domain/model/request';
import { RECHECK_GRACE_MS } from '../../../domain/use-cases/sweep';
import { ADMIN, APPROVER, OTHER_ACCOUNT, PRINCIPAL_CASES, openEntry, who } from '../../support/fixtures';
import { inMemoryApp, newRequest } from '../../support/in-memory-app';

const SNS = PRINCIPAL_CASES[2].ask;
/** `orders` narrowed to account principals only: the SNS grant is out. */
const NARROWED = openEntry({ principals: [OTHER_ACCOUNT], eventSourceArns: [] });
const GRACE_S = RECHECK_GRACE_MS / 1000;

async function setup() {
  const ctx = inMemoryApp();
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  await ctx.drain();
  const active = await newRequest(ctx.app, SNS);
  await ctx.app.decide.approve({ approver: who(APPROVER), id: active.id, comment: null });
  await ctx.drain();
  const pending = await newRequest(ctx.app, SNS);
  await ctx.drain();
  /** An allowlist put whose stream record never reaches the dispatcher (skipped after failing, say). */
  const putLost = async (input = NARROWED) => {
    await ctx.app.allowlist.put(who(ADMIN), 'orders', input);
    ctx.allowlist.changes.length = 0;
  };
  const status = async (id: string) => ((await ctx.store.get(id)) as GrantRequest).status;
  return { ...ctx, active, pending, putLost, status };
}

it('leaves no marker once the queued re-check went through', async () => {
  const { app, drain, allowlist, clock } = await setup();
  await app.allowlist.put(who(ADMIN), 'orders', NARROWED);
  await drain();
  expect(await allowlist.pendingRechecks(clock.now())).toEqual([]);
});

it('re-checks a change whose stream record was lost, at the first sweep after the grace time', async () => {
  const { app, drain, advance, putLost, status, active, pending, allowlist, clock } = await setup();
  await putLost();
  await drain();
  expect(await status(pending.id)).toBe('PENDING');
  // Within the grace time the queued re-check may still be on its way: the sweep leaves it.
  await advance(GRACE_S - 1);
  expect((await app.sweep()).rechecked).toBe(0);
  await advance(2);
  expect((await app.sweep()).rechecked).toBe(1);
  await drain();
  expect(await status(pending.id)).toBe('REJECTED');
  expect(await status(active.id)).toBe('REVOKED');
  expect(await allowlist.pendingRechecks(clock.now())).toEqual([]);
  expect((await app.sweep()).rechecked).toBe(0);
});

it('keeps the marker of a change made after the re-check began', async () => {
  const { app, putLost, allowlist, clock } = await setup();
  await putLost();
  const began = clock.now();
  clock.advance(1);
  await putLost(openEntry());
  await app.runWork({
    kind: 'recheck',
    entryId: 'orders',
    after: null,
    at: began.toISOString(),
    startedAt: began.toISOString(),
  });
  expect((await allowlist.pendingRechecks(clock.now())).map((p) => p.entryId)).toEqual(['orders']);
});

import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, openEntry, who } from '../../support/fixtures';
import { inMemoryApp, newRequest } from '../../support/in-memory-app';

/**
 * The expiry notice's timer (docs/slack.md, A requester's day in Slack): scheduled from the stored change that makes a
 * grant ACTIVE or moves its end, once per grant and end time, and handed to the Slack side when it comes due.
 */
async function setup(links = `U0REQUEST=${REQUESTER}`) {
  const due: { requestId: string; expiresAt: string }[] = [];
  const ctx = inMemoryApp(
    { BROKER_SLACK_USERS: links, BROKER_EXPIRY_NOTICE_SECONDS: '900', BROKER_MIN_DURATION_SECONDS: '60' },
    {
      notices: {
        due: (requestId, expiresAt) => {
          due.push({ requestId, expiresAt });
          return Promise.resolve();
        },
      },
    },
  );
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry({ maxDurationSeconds: 7200 }));
  const active = async (durationSeconds: number) => {
    const r = await newRequest(ctx.app, { ...PRINCIPAL_CASES[2].ask, durationSeconds });
    await ctx.app.decide.approve({ approver: who(APPROVER), id: r.id, comment: null });
    await ctx.drain();
    return (await ctx.store.get(r.id))!;
  };
  return { ...ctx, due, active };
}

describe('the expiry notice timer', () => {
  it('comes due noticeSeconds before the end, once, and not before', async () => {
    const { active, advance, due } = await setup();
    const grant = await active(1200);
    await advance(299);
    expect(due).toEqual([]);
    await advance(2);
    expect(due).toEqual([{ requestId: grant.id, expiresAt: grant.expiresAt }]);
    await advance(600);
    expect(due).toHaveLength(1);
  });

  it('is told once for a scheduled grant, before the end its start fixed', async () => {
    const { app, advance, due, clock, store } = await setup();
    const startsAt = new Date(clock.now().getTime() + 3600_000).toISOString();
    const r = await newRequest(app, { ...PRINCIPAL_CASES[2].ask, durationSeconds: 1200, startsAt });
    await app.decide.approve({ approver: who(APPROVER), id: r.id, comment: null });
    await advance(3600);
    const grant = (await store.get(r.id))!;
    expect(grant).toMatchObject({
      status: 'ACTIVE',
      expiresAt: new Date(Date.parse(startsAt) + 1200_000).toISOString(),
    });
    await advance(299);
    expect(due).toEqual([]);
    await advance(2);
    expect(due).toEqual([{ requestId: r.id, expiresAt: grant.expiresAt }]);
    await advance(600);
    expect(due).toHaveLength(1);
  });

  it('is scheduled again for the new end when an extension moves it', async () => {
    const { active, advance, due, app, store } = await setup();
    const grant = await active(1200);
    const extension = await app.extendRequest({
      caller: who(REQUESTER),
      id: grant.id,
      durationSeconds: 1200,
      reason: 'the migration runs late',
      ticket: null,
    });
    await app.decide.approve({ approver: who(APPROVER), id: extension.id, comment: null });
    await advance(301);
    // The first timer still fires at the old end's time; the Slack side finds the end moved and stays quiet.
    const moved = (await store.get(grant.id))!;
    expect(moved.expiresAt).not.toBe(grant.expiresAt);
    await advance(1200);
    expect(due).toEqual([
      { requestId: grant.id, expiresAt: grant.expiresAt },
      { requestId: grant.id, expiresAt: moved.expiresAt },
    ]);
  });

  it('is not scheduled for a requester nobody in Slack is linked to, nor for a grant inside the notice', async () => {
    const unlinked = await setup('');
    await unlinked.active(1200);
    await unlinked.advance(1300);
    expect(unlinked.due).toEqual([]);
    const short = await setup();
    await short.active(600);
    expect(short.scheduler.scheduled.some((w) => w.kind === 'notice')).toBe(false);
  });
});

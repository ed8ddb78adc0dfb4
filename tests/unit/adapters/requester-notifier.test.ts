import { RequesterNotifier, type RequesterDmStates } from '../../../adapters/slack/requester-notifier';
import type { RequesterDmState } from '../../../adapters/dynamodb/requester-dm-store';
import type { SlackResult } from '../../../adapters/slack/slack-client';
import { noticeFollowUp } from '../../../domain/events/follow-ups';
import type { GrantRequest } from '../../../domain/model/request';
import { isNoticeDue } from '../../../domain/rules/expiry-notice';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, openEntry, who } from '../../support/fixtures';
import { inMemoryApp, newRequest } from '../../support/in-memory-app';

const LINKED = 'U0REQUEST';

class MemoryStates implements RequesterDmStates {
  readonly states = new Map<string, RequesterDmState>();
  get(id: string) {
    return Promise.resolve(this.states.get(id) ?? null);
  }
  markTold(id: string, told: number) {
    const state = this.states.get(id) ?? { told: 0, noticeFor: null };
    this.states.set(id, { ...state, told: Math.max(state.told, told) });
    return Promise.resolve();
  }
  markNotice(id: string, expiresAt: string) {
    this.states.set(id, { ...(this.states.get(id) ?? { told: 0, noticeFor: null }), noticeFor: expiresAt });
    return Promise.resolve();
  }
}

async function setup(links = `${LINKED}=${REQUESTER}`, noticeSeconds = 900) {
  const ctx = inMemoryApp({ BROKER_SLACK_USERS: links, BROKER_MIN_DURATION_SECONDS: '60' });
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  const sent: { channel: string; text: string; blocks?: unknown[] }[] = [];
  const answers: SlackResult[] = [];
  const notifier = new RequesterNotifier({
    slack: {
      postMessage: (message) => {
        sent.push(message);
        return Promise.resolve(answers.shift() ?? { ok: true, ts: '1.000100' });
      },
    },
    states: new MemoryStates(),
    rules: ctx.app.settings,
    noticeSeconds,
    now: () => ctx.clock.now(),
    judge: (_what, _request, result) => {
      if (!result.ok && result.error === 'rate_limited') throw new Error('slack unavailable');
      return result.ok;
    },
  });
  const stored = async (id: string) => (await ctx.store.get(id)) as GrantRequest;
  return { ...ctx, sent, answers, notifier, stored };
}

describe("a requester's direct messages", () => {
  it('tells each outcome once, in order, to the linked Slack user, then the one expiry notice', async () => {
    const { app, notifier, sent, stored, drain } = await setup();
    const r = await newRequest(app, { ...PRINCIPAL_CASES[2].ask, durationSeconds: 1200 });
    await notifier.tell(await stored(r.id));
    expect(sent.map((m) => m.channel)).toEqual([LINKED]);
    expect(sent[0]?.text).toContain('was created');
    expect(JSON.stringify(sent[0]?.blocks)).toContain('lambda:InvokeFunction');

    await app.decide.approve({ approver: who(APPROVER), id: r.id, comment: null });
    await drain();
    await notifier.tell(await stored(r.id));
    await notifier.tell(await stored(r.id));
    // 1200 s grant, 900 s notice: not due yet.
    expect(sent.slice(1).map((m) => m.text)).toEqual([
      expect.stringContaining('APPROVED'),
      expect.stringContaining('ACTIVE'),
    ]);
    expect(sent.every((m) => m.channel === LINKED)).toBe(true);
  });

  it('sends the notice once per end time when due, with an Extend button naming the grant', async () => {
    const { app, notifier, sent, stored, drain, clock } = await setup();
    const r = await newRequest(app, { ...PRINCIPAL_CASES[2].ask, durationSeconds: 1200 });
    await app.decide.approve({ approver: who(APPROVER), id: r.id, comment: null });
    await drain();
    await notifier.tell(await stored(r.id));
    const before = sent.length;
    clock.advance(301);
    await notifier.tell(await stored(r.id));
    await notifier.tell(await stored(r.id));
    expect(sent.length).toBe(before + 1);
    const notice = sent.at(-1);
    expect(notice?.text).toContain('expires at');
    expect(JSON.stringify(notice?.blocks)).toContain(
      `"action_id":"extend","text":{"type":"plain_text","text":"Extend"},"value":"${r.id}"`,
    );
  });

  it('starts a request first told long after it began from its recent history, not its whole past', async () => {
    const { app, notifier, sent, stored, drain, clock } = await setup();
    const r = await newRequest(app, { ...PRINCIPAL_CASES[2].ask, durationSeconds: 7200 });
    await app.decide.approve({ approver: who(APPROVER), id: r.id, comment: null });
    await drain();
    // Nothing told so far (the requester was linked only now, say); an hour later the grant is revoked.
    clock.advance(3600);
    await app.revokeRequest(who(REQUESTER), r.id, 'done early');
    await drain();
    await notifier.tell(await stored(r.id));
    expect(sent.map((m) => m.text)).toEqual([expect.stringMatching(/REVOKED.*done early/)]);
  });

  it('tells a rejection with its comment', async () => {
    const { app, notifier, sent, stored } = await setup();
    const r = await newRequest(app);
    await app.decide.reject({ approver: who(APPROVER), id: r.id, comment: 'use the shared topic' });
    await notifier.tell(await stored(r.id));
    expect(sent.at(-1)?.text).toMatch(/REJECTED.*use the shared topic/);
  });

  it('tells nobody about a requester no Slack user is linked to', async () => {
    const { app, notifier, sent, stored } = await setup('');
    const r = await newRequest(app);
    await notifier.tell(await stored(r.id));
    expect(sent).toEqual([]);
  });

  it('tells again what Slack could not take, and nothing twice', async () => {
    const { app, notifier, sent, stored, answers } = await setup();
    const r = await newRequest(app);
    answers.push({ ok: false, error: 'rate_limited' });
    await expect(notifier.tell(await stored(r.id))).rejects.toThrow('slack unavailable');
    await notifier.tell(await stored(r.id));
    await notifier.tell(await stored(r.id));
    expect(sent.map((m) => m.text.includes('was created'))).toEqual([true, true]);
  });
});

describe('when the expiry notice is due', () => {
  const grant = (expiresAt: string | null, status: GrantRequest['status'] = 'ACTIVE') =>
    ({ id: 'r1', status, expiresAt }) as GrantRequest;
  const END = '2026-12-07T12:00:00.000Z';

  it('is due from noticeSeconds before the end until the end, once per end time', () => {
    expect(isNoticeDue(grant(END), null, new Date('2026-12-07T11:44:59.000Z'), 900)).toBe(false);
    expect(isNoticeDue(grant(END), null, new Date('2026-12-07T11:45:00.000Z'), 900)).toBe(true);
    expect(isNoticeDue(grant(END), END, new Date('2026-12-07T11:50:00.000Z'), 900)).toBe(false);
    expect(isNoticeDue(grant(END), '2026-12-07T11:00:00.000Z', new Date('2026-12-07T11:50:00.000Z'), 900)).toBe(true);
    expect(isNoticeDue(grant(END), null, new Date(END), 900)).toBe(false);
    expect(isNoticeDue(grant(END, 'EXPIRED'), null, new Date('2026-12-07T11:50:00.000Z'), 900)).toBe(false);
  });

  it('is scheduled when a grant becomes active or its end moves, unless it is due already', () => {
    const now = new Date('2026-12-07T10:00:00.000Z');
    expect(noticeFollowUp(grant(null, 'APPROVED'), grant(END), 900, now)).toEqual({
      kind: 'notice',
      requestId: 'r1',
      expiresAt: END,
      at: '2026-12-07T11:45:00.000Z',
    });
    expect(noticeFollowUp(grant(END), grant(END), 900, now)).toBeNull();
    expect(noticeFollowUp(grant(null, 'APPROVED'), grant(END), 9000, now)).toBeNull();
    const later = '2026-12-07T13:00:00.000Z';
    expect(noticeFollowUp(grant(END), grant(later), 900, now)?.at).toBe('2026-12-07T12:45:00.000Z');
  });
});

describe('the Slack queue', () => {
  it('hands a due notice to the notifier, in its request group', async () => {
    const { processNotifyMessages } = await import('../../../handlers/events/process-queues');
    const told: string[] = [];
    const notifier = {
      notice: (id: string) => (told.push(`notice ${id}`), Promise.resolve()),
      announce: (id: string) => (told.push(`announce ${id}`), Promise.resolve()),
    };
    const failed = await processNotifyMessages({ notifier } as unknown as Parameters<typeof processNotifyMessages>[0], [
      { messageId: 'm1', groupId: 'r1', body: JSON.stringify({ type: 'announce', requestId: 'r1' }) },
      {
        messageId: 'm2',
        groupId: 'r1',
        body: JSON.stringify({ type: 'notice', requestId: 'r1', expiresAt: '2026-12-07T12:00:00.000Z' }),
      },
    ]);
    expect(failed).toEqual([]);
    expect(told).toEqual(['announce r1', 'notice r1']);
  });
});

import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import type { SlackViews } from '../../../handlers/app';
import { ADMIN, REQUESTER, fnArn, openEntry, who } from '../../support/fixtures';
import { signedClick, signedCommand, signedSubmission } from '../../support/fake-slack';
import { apiEvent, inMemoryApp, lambdaContext } from '../../support/in-memory-app';

const SECRET = 'test-signing-secret';
const LINKED = 'U0REQUEST';
const PERSON = 'U0PERSON';

/** The modals the handler asked Slack to open, and what Slack answered. */
class RecordingViews implements SlackViews {
  readonly opened: { triggerId: string; view: Record<string, any> }[] = [];
  answer: { ok: true } | { ok: false; error: string } = { ok: true };
  openView(triggerId: string, view: Record<string, unknown>) {
    this.opened.push({ triggerId, view });
    return Promise.resolve(this.answer);
  }
}

const CONCRETE = openEntry({
  functions: [fnArn('order-processor'), fnArn('order-auditor')],
  principals: ['sns.amazonaws.com'],
  sourceArns: ['arn:aws:sns:us-east-1:123456789012:orders-topic'],
  eventSourceArns: [],
  maxDurationSeconds: 3600,
  requesters: [REQUESTER, `slack:${PERSON}`],
});

async function setup(entry = CONCRETE) {
  const views = new RecordingViews();
  const ctx = inMemoryApp(
    {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      BROKER_SLACK_USERS: `${LINKED}=${REQUESTER},${PERSON}=person:alice`,
      BROKER_MIN_DURATION_SECONDS: '300',
    },
    { slackViews: views },
  );
  await ctx.app.allowlist.put(who(ADMIN), 'orders', entry);
  const handler = apiHandler(OPERATIONS_BY_FUNCTION.slack, () => Promise.resolve(ctx.app));
  const timestamp = Math.floor(ctx.clock.now().getTime() / 1000);
  const send = async (path: string, signed: { body: string; headers: Record<string, string> }) => {
    const res = await handler(apiEvent('POST', path, { body: signed.body, headers: signed.headers }), lambdaContext);
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, any>) : undefined };
  };
  const command = (text: string, userId = LINKED) =>
    send('/v1/slack/commands', signedCommand({ secret: SECRET, userId, text, timestamp }));
  const submit = (values: Record<string, string | { selected: string }>, userId = LINKED, extra = {}) =>
    send(
      '/v1/slack/interactions',
      signedSubmission({ secret: SECRET, userId, callbackId: 'lpb_request', values, timestamp, ...extra }),
    );
  const click = (actionId: string, value: string, userId = LINKED) =>
    send('/v1/slack/interactions', signedClick({ secret: SECRET, userId, actionId, value, timestamp }));
  return { ...ctx, views, command, submit, click, send, timestamp };
}

const GOOD = {
  function: { selected: fnArn('order-processor') },
  principal: { selected: 'sns.amazonaws.com' },
  sourceArn: { selected: 'arn:aws:sns:us-east-1:123456789012:orders-topic' },
  durationSeconds: { selected: '900' },
  reason: 'orders topic fan-out to the processor',
  ticket: 'OPS-1',
};

describe('the /lpb slash command', () => {
  it('opens the request modal whose options are exactly the caller catalog', async () => {
    const { command, views } = await setup();
    expect(await command('request')).toEqual({ status: 200, body: undefined });
    const [{ triggerId, view }] = views.opened as [{ triggerId: string; view: Record<string, any> }];
    expect(triggerId).toBe('1700000000.1.abcdef');
    expect(view.callback_id).toBe('lpb_request');
    const blocks = view.blocks as { block_id: string; element: { options?: { value: string }[] } }[];
    expect(blocks.map((b) => b.block_id)).toEqual([
      'function',
      'principal',
      'sourceArn',
      'durationSeconds',
      'reason',
      'ticket',
    ]);
    const options = (id: string) => blocks.find((b) => b.block_id === id)?.element.options?.map((o) => o.value);
    expect(options('function')).toEqual([fnArn('order-processor'), fnArn('order-auditor')]);
    expect(options('principal')).toEqual(['sns.amazonaws.com']);
    expect(options('sourceArn')).toEqual(['arn:aws:sns:us-east-1:123456789012:orders-topic']);
    expect(options('durationSeconds')).toEqual(['300', '900', '1800', '3600']);
  });

  it('offers a text input with the patterns as its hint where the catalog holds a pattern', async () => {
    const { command, views } = await setup(openEntry({ requesters: [REQUESTER] }));
    await command('request');
    const fn = (views.opened[0]?.view.blocks as Record<string, any>[]).find((b) => b.block_id === 'function');
    expect(fn?.element.type).toBe('plain_text_input');
    expect(fn?.hint.text).toContain(fnArn('order-*'));
  });

  it('tells an unlinked user how to get linked and opens nothing', async () => {
    const { command, views } = await setup();
    const res = await command('request', 'U0STRANGER');
    expect(res.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('BROKER_SLACK_USERS') });
    expect(views.opened).toEqual([]);
  });

  it('refuses an unsigned or wrongly signed command with 401', async () => {
    const { send, views, timestamp } = await setup();
    const forged = signedCommand({ secret: 'wrong', userId: LINKED, text: 'request', timestamp });
    expect((await send('/v1/slack/commands', forged)).status).toBe(401);
    expect((await send('/v1/slack/commands', { body: forged.body, headers: {} })).status).toBe(401);
    expect(views.opened).toEqual([]);
  });

  it('answers help for anything else, and says when Slack would not open the form', async () => {
    const { command, views } = await setup();
    expect((await command('what')).body?.text).toContain('/lpb request');
    views.answer = { ok: false, error: 'expired_trigger_id' };
    expect((await command('request')).body?.text).toContain('expired_trigger_id');
  });
});

describe('the request modal submitted', () => {
  it('creates the request as the linked identity, exactly as the REST API does', async () => {
    const { submit, store } = await setup();
    expect(await submit(GOOD)).toEqual({ status: 200, body: undefined });
    const [stored] = [...store.requests.values()];
    expect(stored).toMatchObject({
      requester: REQUESTER,
      status: 'PENDING',
      principal: 'sns.amazonaws.com',
      sourceArn: GOOD.sourceArn.selected,
      durationSeconds: 900,
      ticket: 'OPS-1',
    });
  });

  it('acts for a user linked to a person as slack:<id> counting as that person', async () => {
    const { submit, store } = await setup();
    expect((await submit(GOOD, PERSON)).status).toBe(200);
    expect([...store.requests.values()][0]).toMatchObject({ requester: `slack:${PERSON}`, requesterPerson: 'alice' });
  });

  it('answers a source outside the entry as an error on its block and stores nothing', async () => {
    const { submit, store } = await setup();
    const res = await submit({ ...GOOD, sourceArn: 'arn:aws:sns:us-east-1:123456789012:payments-topic' });
    expect(res).toEqual({
      status: 200,
      body: { response_action: 'errors', errors: { sourceArn: expect.stringContaining('payments-topic') } },
    });
    expect(store.requests.size).toBe(0);
  });

  it('answers schema errors on their blocks (a short reason) and stores nothing', async () => {
    const { submit, store } = await setup();
    const res = await submit({ ...GOOD, reason: 'too short' });
    expect(res.body).toEqual({ response_action: 'errors', errors: { reason: expect.any(String) } });
    expect(store.requests.size).toBe(0);
  });

  it('refuses an unlinked user on the form and stores nothing', async () => {
    const { submit, store } = await setup();
    const res = await submit(GOOD, 'U0STRANGER');
    expect(res.body).toMatchObject({ response_action: 'errors', errors: { function: expect.any(String) } });
    expect(store.requests.size).toBe(0);
  });

  it('makes one request of one modal submitted twice', async () => {
    const { submit, store } = await setup();
    await submit(GOOD);
    await submit(GOOD);
    expect(store.requests.size).toBe(1);
  });
});

describe("a requester's buttons", () => {
  async function active() {
    const ctx = await setup(openEntry({ ...CONCRETE, autoApprove: true, requiredApprovals: 0 }));
    await ctx.submit(GOOD);
    await ctx.drain();
    const [grant] = [...ctx.store.requests.values()];
    expect(grant?.status).toBe('ACTIVE');
    return { ...ctx, grant: grant! };
  }

  it('lists the caller grants with Extend and Revoke, and nothing for others', async () => {
    const { command, grant } = await active();
    const list = await command('list');
    const text = JSON.stringify(list.body?.blocks);
    expect(text).toContain(grant.id);
    expect(text).toContain('"action_id":"extend"');
    expect(text).toContain('"action_id":"revoke"');
    expect(JSON.stringify((await command('list', PERSON)).body)).not.toContain(grant.id);
  });

  it('Extend opens the extend modal, whose submission extends the grant', async () => {
    const { click, views, send, timestamp, grant, drain, store } = await active();
    expect((await click('extend', grant.id)).status).toBe(200);
    const modal = views.opened.at(-1)?.view;
    expect(modal).toMatchObject({ callback_id: 'lpb_extend', private_metadata: grant.id });
    const res = await send(
      '/v1/slack/interactions',
      signedSubmission({
        secret: SECRET,
        userId: LINKED,
        callbackId: 'lpb_extend',
        privateMetadata: grant.id,
        values: { durationSeconds: { selected: '900' }, reason: 'the migration needs longer' },
        timestamp,
      }),
    );
    expect(res).toEqual({ status: 200, body: undefined });
    await drain();
    const extended = await store.get(grant.id);
    expect(Date.parse(extended?.expiresAt ?? '')).toBe(Date.parse(grant.expiresAt ?? '') + 900_000);
    expect(extended?.statementId).toBe(grant.statementId);
  });

  it("refuses another user's Extend and Revoke", async () => {
    const { click, views, grant, store } = await active();
    expect((await click('extend', grant.id, PERSON)).body?.text).toMatch(/Not recorded/);
    expect((await click('revoke', grant.id, PERSON)).body?.text).toMatch(/Not recorded/);
    expect(views.opened).toHaveLength(0);
    expect((await store.get(grant.id))?.status).toBe('ACTIVE');
  });

  it('Revoke marks the grant for removal as its requester', async () => {
    const { click, grant, store, drain } = await active();
    expect((await click('revoke', grant.id)).status).toBe(200);
    await drain();
    expect((await store.get(grant.id))?.status).toBe('REVOKED');
  });
});

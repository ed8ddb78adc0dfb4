import { SlackClient } from '../../adapters/slack/slack-client';
import { FakeSlack } from '../support/fake-slack';

let slack: FakeSlack;

beforeAll(async () => {
  slack = new FakeSlack('xoxb-good');
  await slack.start();
});

afterAll(async () => {
  await slack.stop();
});

const client = (token = 'xoxb-good', sleeps: number[] = []) =>
  new SlackClient({
    apiUrl: slack.apiUrl,
    token,
    budgetMs: 2_000,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });

describe('Slack Web API client (fake Slack over HTTP)', () => {
  it('posts JSON with the bearer token and returns ts', async () => {
    const result = await client().postMessage({ channel: 'C1', text: 'hello' });
    expect(result).toMatchObject({ ok: true, channel: 'C1', ts: expect.stringMatching(/^\d+\.\d{6}$/) as unknown });
    expect(slack.calls.at(-1)).toMatchObject({
      method: 'chat.postMessage',
      authorization: 'Bearer xoxb-good',
      body: { channel: 'C1' },
    });
  });

  it('reports ok:false errors as values', async () => {
    await expect(client('xoxb-bad').postMessage({ channel: 'C1', text: 'x' })).resolves.toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    await expect(client().update({ channel: 'C1', ts: '1.000000', text: 'x', blocks: [] })).resolves.toEqual({
      ok: false,
      error: 'message_not_found',
    });
  });

  it('waits out a short Retry-After and gives up on a long one', async () => {
    const sleeps: number[] = [];
    slack.inject.push({ status: 429, retryAfter: 1 });
    await expect(client('xoxb-good', sleeps).postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    expect(sleeps).toEqual([1000]);
    slack.inject.push({ status: 429, retryAfter: 30 });
    await expect(client().postMessage({ channel: 'C1', text: 'x' })).resolves.toEqual({
      ok: false,
      error: 'rate_limited',
    });
  });

  it('retries a 500 a bounded number of times', async () => {
    slack.inject.push({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const before = slack.calls.length;
    await expect(client().postMessage({ channel: 'C1', text: 'x' })).resolves.toEqual({ ok: false, error: 'http_500' });
    expect(slack.calls.length - before).toBe(3);
    slack.inject.length = 0;
  });

  it('gives up on an unreachable Slack within its budget', async () => {
    const dead = new SlackClient({ apiUrl: 'http://127.0.0.1:1/api', token: 't', budgetMs: 500 });
    await expect(dead.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: false });
  });
});

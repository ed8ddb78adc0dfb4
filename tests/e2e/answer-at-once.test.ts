/**
 * Decisions answer at once (docs/api.md, Answers, and the work behind them), over real sockets against the local
 * runner with a Slack whose every Web API call takes 4 s: no answer waits for Slack or for the AWS work behind it, and
 * the grants still become ACTIVE and every Slack message is brought up to date behind the answers. The bounds here are
 * three times the contract's (creates and clicks 3 s, approves 6 s), and Slack is slower than any of them, so an
 * answer that waited for one Slack call fails; `npm run bench` holds 20 clicks and 20 approves to the exact bounds.
 */
import { createFunction, freshMoto, motoEndpoint } from '../support/aws';
import { FakeSlack, signedClick } from '../support/fake-slack';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, fnArn, openEntry } from '../support/fixtures';
import { eventually, http, settledRequest, startRunner, type Runner } from '../support/runner';
import { generousMs } from '../support/contract-bounds';

const SECRET = 'answer-signing-secret';
const TOKEN = 'xoxb-answer-token';
const FUNCTIONS = ['order-a', 'order-b', 'order-c', 'order-d'];
let runner: Runner;
let slack: FakeSlack;

beforeAll(async () => {
  const clients = await freshMoto('answer-broker');
  for (const name of FUNCTIONS) await createFunction(clients, name);
  slack = new FakeSlack(TOKEN);
  await slack.start();
  slack.latencyMs = 4_000;
  runner = await startRunner({
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: 'answer-broker',
    BROKER_ADMINS: ADMIN,
    BROKER_SWEEP_INTERVAL_SECONDS: '3600',
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
  });
  const entry = openEntry({
    functions: [fnArn('order-*')],
    approvers: [APPROVER, 'slack:U0123ABCD'],
    slackChannel: 'C0123ABCD',
  });
  expect((await http(runner.baseUrl, 'PUT', '/v1/allowlist/orders', { principal: ADMIN, body: entry })).status).toBe(
    200,
  );
}, 90_000);

afterAll(async () => {
  await runner?.stop();
  await slack?.stop();
}, 30_000);

/** Approvers click and approve as people do: one every 200 ms, all in flight together. */
const SPACING_MS = 200;
const afterSpacing = (i: number) => new Promise((resolve) => setTimeout(resolve, i * SPACING_MS));

/** Runs `work`, returning its result and how long it took. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** Creates `n` requests spread over the functions, one after the other, each answered in time. */
async function createMany(n: number, tag: string) {
  const created = [];
  for (let i = 0; i < n; i++) {
    created.push(
      await timed(() =>
        http(runner.baseUrl, 'POST', '/v1/requests', {
          principal: REQUESTER,
          body: {
            ...baseAsk,
            ...PRINCIPAL_CASES[2].ask,
            functionName: FUNCTIONS[i % FUNCTIONS.length],
            sourceArn: `arn:aws:sns:us-east-1:123456789012:orders-${tag}-${i}`,
          },
        }),
      ),
    );
  }
  for (const { value, ms } of created) {
    expect(value.status).toBe(201);
    expect(ms).toBeLessThan(generousMs('create'));
  }
  return created.map(({ value }) => value.body as { id: string; statementHash: string });
}

/** The Slack message of a request once it is posted: its timestamp. */
const messageTs = (id: string) =>
  eventually(() => [...slack.messages.entries()].find(([, m]) => JSON.stringify(m.blocks).includes(id))?.[0], 30_000);

it('answers Slack clicks without waiting for Slack (4 s a call), and still activates and updates', async () => {
  const requests = await createMany(6, 'slack');
  const messages = await Promise.all(requests.map((r) => messageTs(r.id)));

  const clicks = await Promise.all(
    requests.map(async (r, i) => {
      await afterSpacing(i);
      const signed = signedClick({
        secret: SECRET,
        userId: 'U0123ABCD',
        actionId: 'approve',
        value: JSON.stringify({ id: r.id, hash: r.statementHash }),
      });
      return timed(() =>
        http(runner.baseUrl, 'POST', '/v1/slack/interactions', { body: signed.body, headers: signed.headers }),
      );
    }),
  );
  for (const { value, ms } of clicks) {
    expect(value.status).toBe(200);
    expect(ms).toBeLessThan(generousMs('click'));
  }

  for (const r of requests)
    expect((await settledRequest(runner.baseUrl, r.id, REQUESTER, 30_000)).status).toBe('ACTIVE');
  // Each message ends up showing the outcome, without its buttons, whatever Slack's pace.
  await Promise.all(
    messages.map((key) =>
      eventually(() => {
        const shown = slack.messages.get(key);
        const text = JSON.stringify(shown?.blocks ?? []);
        return text.includes('ACTIVE') && !text.includes('"actions"') ? true : undefined;
      }, 60_000),
    ),
  );
}, 180_000);

it('answers REST approves in time, with the request as stored (ACTIVE, or APPROVED until applied)', async () => {
  const requests = await createMany(6, 'rest');
  const approvals = await Promise.all(
    requests.map(async (r, i) => {
      await afterSpacing(i);
      return timed(() =>
        http(runner.baseUrl, 'POST', `/v1/requests/${r.id}/approve`, { principal: APPROVER, body: {} }),
      );
    }),
  );
  for (const { value, ms } of approvals) {
    expect(value.status).toBe(200);
    expect(['ACTIVE', 'APPROVED']).toContain(value.body.status);
    expect(ms).toBeLessThan(generousMs('approve'));
  }
  for (const r of requests)
    expect((await settledRequest(runner.baseUrl, r.id, REQUESTER, 30_000)).status).toBe('ACTIVE');
}, 120_000);

/**
 * Answer times over HTTP with a Slack whose every Web API call takes 2.5 s (docs/api.md, Answers, and the work behind
 * them): creates, signed Slack clicks (one every 200 ms, all in flight together) and REST approves, each timed from the
 * client's side.
 */
import { createdBody } from './created-body';
import { createFunction, testClients } from '../tests/support/aws';
import { FakeSlack, signedClick } from '../tests/support/fake-slack';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, fnArn, openEntry } from '../tests/support/fixtures';
import { http, settledRequest, startRunner } from '../tests/support/runner';
import type { BenchAws } from './bench-aws';
import { percentile } from './stats';

const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench';

const summary = (times: number[]) => ({
  samples: times.length,
  p50: percentile(times, 50),
  p99: percentile(times, 99),
  max: Math.max(...times),
});

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export async function measureAnswerTimes(aws: BenchAws, n: number) {
  const clients = testClients(aws.endpoint);
  const functions = ['answer-a', 'answer-b', 'answer-c', 'answer-d'];
  for (const name of functions) await createFunction(clients, name);
  const slack = new FakeSlack(TOKEN);
  await slack.start();
  slack.latencyMs = 2_500;
  const runner = await startRunner({
    AWS_ENDPOINT_URL: aws.endpoint,
    BROKER_TABLE_NAME: 'bench-answers',
    // The bench asks many times as one requester.
    BROKER_MAX_PENDING_PER_REQUESTER: '1000',
    BROKER_ADMINS: ADMIN,
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
  });
  try {
    await http(runner.baseUrl, 'PUT', '/v1/allowlist/answers', {
      principal: ADMIN,
      body: openEntry({
        functions: [fnArn('answer-*')],
        approvers: [APPROVER, 'slack:U0123ABCD'],
        slackChannel: 'C0123ABCD',
      }),
    });
    const creates: number[] = [];
    const create = async (i: number) => {
      let body: { id: string; statementHash: string } | undefined;
      creates.push(
        await timed(async () => {
          body = createdBody(
            await http(runner.baseUrl, 'POST', '/v1/requests', {
              principal: REQUESTER,
              body: {
                ...baseAsk,
                ...PRINCIPAL_CASES[2].ask,
                functionName: functions[i % functions.length],
                sourceArn: `arn:aws:sns:us-east-1:123456789012:orders-answer-${i}`,
              },
            }),
          );
        }),
      );
      return body as { id: string; statementHash: string };
    };
    const spaced = <T>(items: T[], work: (item: T) => Promise<number>) =>
      Promise.all(
        items.map(async (item, i) => {
          await new Promise((resolve) => setTimeout(resolve, i * 200));
          return work(item);
        }),
      );

    const forSlack = [];
    for (let i = 0; i < n; i++) forSlack.push(await create(i));
    const clicks = await spaced(forSlack, (r) => {
      const signed = signedClick({
        secret: SECRET,
        userId: 'U0123ABCD',
        actionId: 'approve',
        value: JSON.stringify({ id: r.id, hash: r.statementHash }),
      });
      return timed(() =>
        http(runner.baseUrl, 'POST', '/v1/slack/interactions', { body: signed.body, headers: signed.headers }),
      );
    });
    const started = performance.now();
    for (const r of forSlack) await settledRequest(runner.baseUrl, r.id, REQUESTER, 60_000);
    const allActive = (performance.now() - started) / 1000;

    const forRest = [];
    for (let i = 0; i < n; i++) forRest.push(await create(n + i));
    const approves = await spaced(forRest, (r) =>
      timed(() => http(runner.baseUrl, 'POST', `/v1/requests/${r.id}/approve`, { principal: APPROVER, body: {} })),
    );
    return {
      creates: summary(creates),
      clicks: summary(clicks),
      approves: summary(approves),
      clicksAllActiveSeconds: allActive,
    };
  } finally {
    await runner.stop();
    await slack.stop();
  }
}

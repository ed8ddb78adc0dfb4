/**
 * A requester's answers in Slack over HTTP (docs/slack.md): `/lpb request` until its modal is open (views.open on the
 * fake Slack, answered at once), and the modal's submission until it is answered (a create by the linked identity,
 * vetting included), each timed from the client's side. Slack allows 3 s; the contract promises 1 s.
 */
import { createFunction, testClients } from '../tests/support/aws';
import { FakeSlack, signedCommand, signedSubmission } from '../tests/support/fake-slack';
import { ADMIN, REQUESTER, fnArn, openEntry } from '../tests/support/fixtures';
import { http, startRunner } from '../tests/support/runner';
import type { BenchAws } from './bench-aws';
import { percentile } from './stats';

const SECRET = 'bench-requester-secret';
const TOKEN = 'xoxb-bench-requester';
const LINKED = 'U0BENCHREQ';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders-topic';

const summary = (times: number[]) => ({
  samples: times.length,
  p50: percentile(times, 50),
  p99: percentile(times, 99),
  max: Math.max(...times),
});

async function timed(work: () => Promise<{ status: number }>): Promise<number> {
  const started = performance.now();
  const { status } = await work();
  if (status !== 200) throw new Error(`a Slack answer was ${status}`);
  return performance.now() - started;
}

export async function measureSlackRequesterTimes(aws: BenchAws, n: number) {
  await createFunction(testClients(aws.endpoint), 'slack-bench');
  const slack = new FakeSlack(TOKEN);
  await slack.start();
  const runner = await startRunner({
    AWS_ENDPOINT_URL: aws.endpoint,
    BROKER_TABLE_NAME: 'bench-slack-requesters',
    BROKER_MAX_PENDING_PER_REQUESTER: '1000',
    BROKER_ADMINS: ADMIN,
    BROKER_SLACK_USERS: `${LINKED}=${REQUESTER}`,
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
  });
  try {
    await http(runner.baseUrl, 'PUT', '/v1/allowlist/slack-bench', {
      principal: ADMIN,
      body: openEntry({ functions: [fnArn('slack-bench')], principals: ['sns.amazonaws.com'], sourceArns: [TOPIC] }),
    });
    const send = (path: string, signed: { body: string; headers: Record<string, string> }) =>
      http(runner.baseUrl, 'POST', path, { body: signed.body, headers: signed.headers });
    const commands: number[] = [];
    const submissions: number[] = [];
    for (let i = 0; i < n; i++) {
      commands.push(
        await timed(() =>
          send('/v1/slack/commands', signedCommand({ secret: SECRET, userId: LINKED, text: 'request' })),
        ),
      );
      const values = {
        function: { selected: fnArn('slack-bench') },
        principal: { selected: 'sns.amazonaws.com' },
        sourceArn: { selected: TOPIC },
        durationSeconds: { selected: '3600' },
        reason: 'bench: asked from Slack',
      };
      submissions.push(
        await timed(() =>
          send(
            '/v1/slack/interactions',
            signedSubmission({ secret: SECRET, userId: LINKED, callbackId: 'lpb_request', values, viewId: `VB${i}` }),
          ),
        ),
      );
    }
    if (slack.opened().length !== n) throw new Error(`opened ${slack.opened().length} modals of ${n}`);
    return { commands: summary(commands), submissions: summary(submissions) };
  } finally {
    await runner.stop();
    await slack.stop();
  }
}

/**
 * The expiry notice's way through the queues on the emulator (docs/slack.md, A requester's day in Slack): a due notice
 * goes to the FIFO Slack queue in its request's group, deduplicated per grant and end time; the DM progress is kept
 * beside the request in the table, `told` only growing.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoRequesterDmStore } from '../../adapters/dynamodb/requester-dm-store';
import { ensureQueues } from '../../adapters/sqs/ensure-queues';
import { notifyMessage } from '../../adapters/sqs/messages';
import { SqsNotifyQueue } from '../../adapters/sqs/notify-queue';
import { freshMoto, testClients } from '../support/aws';

const TABLE = 'requester-notices';
let clients: ReturnType<typeof testClients>;

beforeAll(async () => {
  clients = await freshMoto(TABLE);
}, 60_000);

it('queues a due notice once per grant and end time, in the request group', async () => {
  const { notifyQueueUrl } = await ensureQueues(clients.sqs, TABLE);
  const queue = new SqsNotifyQueue(clients.sqs, notifyQueueUrl);
  await queue.notices.due('r-1', '2026-12-07T12:00:00.000Z');
  await queue.notices.due('r-1', '2026-12-07T12:00:00.000Z');
  await queue.notices.due('r-1', '2026-12-07T12:30:00.000Z');
  const received = [];
  for (let i = 0; i < 5; i++) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: notifyQueueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['MessageGroupId'],
        VisibilityTimeout: 60,
      }),
    );
    received.push(...Messages);
    if (Messages.length === 0) break;
  }
  expect(
    received.map((m) => [m.Attributes?.MessageGroupId, notifyMessage.parse(JSON.parse(m.Body as string))]),
  ).toEqual([
    ['r-1', { type: 'notice', requestId: 'r-1', expiresAt: '2026-12-07T12:00:00.000Z' }],
    ['r-1', { type: 'notice', requestId: 'r-1', expiresAt: '2026-12-07T12:30:00.000Z' }],
  ]);
});

it('keeps how far a request was told, only growing, and the end whose notice was sent', async () => {
  const store = new DynamoRequesterDmStore(clients.doc, TABLE);
  expect(await store.get('r-2')).toBeNull();
  await store.markTold('r-2', 3);
  await store.markTold('r-2', 2);
  await store.markNotice('r-2', '2026-12-07T12:00:00.000Z');
  expect(await store.get('r-2')).toEqual({ told: 3, noticeFor: '2026-12-07T12:00:00.000Z' });
});

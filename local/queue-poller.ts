/**
 * The local stand-in for Lambda's event source mapping on an SQS queue: long-polls the emulator's queue and hands
 * each batch to the same code the deployed function runs, deleting what succeeded. What failed becomes visible
 * again after the queue's visibility timeout, and goes to the dead-letter queue after its receive limit, as on AWS.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueMessage } from '../handlers/events/process-queues';

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Receive loops side by side (each takes up to 10 messages at a time). */
  loops: number;
  /** Returns the ids of the messages to deliver again. */
  process: (messages: QueueMessage[]) => Promise<string[]>;
  say: (line: string) => void;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startQueuePoller(options: QueuePollerOptions): { stop(): Promise<void> } {
  const { sqs, queueUrl, say } = options;
  let stopping = false;

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            // Short long-polls, so a stop is quick; the emulator answers as soon as a message arrives.
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['MessageGroupId'],
          }),
        );
        if (Messages.length === 0) continue;
        const batch: QueueMessage[] = Messages.map((m) => ({
          messageId: m.MessageId ?? '',
          body: m.Body ?? '',
          ...(m.Attributes?.MessageGroupId ? { groupId: m.Attributes.MessageGroupId } : {}),
        }));
        const failed = new Set(await options.process(batch));
        const done = Messages.filter((m) => !failed.has(m.MessageId ?? ''));
        if (done.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
            }),
          );
        }
      } catch (error) {
        if (stopping) break;
        say(`queue ${queueUrl.split('/').pop()}: ${error instanceof Error ? error.message : String(error)}; retrying`);
        await pause(1_000);
      }
    }
  }

  const loops = Array.from({ length: options.loops }, loop);
  return {
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

/**
 * The broker's two queues, shared by the Lambda entries (events/work.ts, events/notify.ts) and the local runner's
 * queue pollers. Each returns the ids of the messages to deliver again; a message that cannot be read is logged
 * and dropped (it would never read better), so it cannot block its queue.
 */
import { notifyMessage, workMessage } from '../../adapters/sqs/messages';
import type { App } from '../app';
import { logger } from '../logger';

export interface QueueMessage {
  messageId: string;
  body: string;
  /** FIFO queues: messages of one group are handled in order. */
  groupId?: string;
}

function parsed<T>(message: QueueMessage, parse: (value: unknown) => T): T | null {
  try {
    return parse(JSON.parse(message.body));
  } catch (error) {
    logger.error('dropping an unreadable queue message', { messageId: message.messageId, error: String(error) });
    return null;
  }
}

/** Work items run side by side: each settles its own request under its own lease. */
export async function processWorkMessages(app: Pick<App, 'runWork'>, messages: readonly QueueMessage[]) {
  const failed: string[] = [];
  await Promise.all(
    messages.map(async (message) => {
      const work = parsed(message, (v) => workMessage.parse(v));
      if (!work) return;
      const about = work.kind === 'recheck' ? { entryId: work.entryId } : { correlation_id: work.requestId };
      try {
        const outcome = await app.runWork(work);
        if (outcome?.kind === 'retry' && outcome.error !== undefined) {
          logger.warn('grant work will be retried', {
            ...about,
            reason: outcome.reason,
            retryAt: outcome.retryAt,
          });
        }
      } catch (error) {
        logger.warn('queued work failed; the queue delivers it again', {
          ...about,
          error: String(error),
        });
        failed.push(message.messageId);
      }
    }),
  );
  return failed;
}

/** Groups side by side, each group in order; after a failure the rest of its group waits for the retry too. */
export async function processNotifyMessages(app: Pick<App, 'notifier'>, messages: readonly QueueMessage[]) {
  const failed: string[] = [];
  const groups = new Map<string, QueueMessage[]>();
  for (const message of messages) {
    const key = message.groupId ?? message.messageId;
    groups.set(key, [...(groups.get(key) ?? []), message]);
  }
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const [index, message] of group.entries()) {
        const note = parsed(message, (v) => notifyMessage.parse(v));
        if (!note || !app.notifier) continue;
        try {
          if (note.type === 'announce') await app.notifier.announce(note.requestId);
          else if (note.type === 'notice') await app.notifier.notice(note.requestId);
          else await app.notifier.respond(note.url, note.body);
        } catch (error) {
          logger.warn('slack notification failed; the queue delivers it again', { error: String(error) });
          failed.push(...group.slice(index).map((m) => m.messageId));
          return;
        }
      }
    }),
  );
  return failed;
}

/**
 * The Slack side's queue, an SQS FIFO queue grouped by request: announcements of one request are delivered one at a
 * time and in order, different requests side by side. Deduplicated by request version, so a replayed stream record
 * announces nothing twice.
 */
import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { GrantRequest } from '../../domain/model/request';
import type { Announcer, ExpiryNotices } from '../../domain/ports';
import { translateAwsError } from '../aws/aws-errors';
import type { NotifyMessage } from './messages';

export class SqsNotifyQueue implements Announcer {
  /** As the work queue's timers see it (ExpiryNotices). */
  readonly notices: ExpiryNotices = { due: (requestId, expiresAt) => this.notice(requestId, expiresAt) };

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  announce(request: GrantRequest): Promise<void> {
    return this.send({ type: 'announce', requestId: request.id }, request.id, `${request.id}-${request.version}`);
  }

  /** A grant's expiry notice came due (docs/slack.md): once per grant and end time, in its request's group. */
  notice(requestId: string, expiresAt: string): Promise<void> {
    return this.send(
      { type: 'notice', requestId, expiresAt },
      requestId,
      `${requestId}-notice-${expiresAt.replace(/[^0-9A-Za-z]/g, '')}`,
    );
  }

  /** An answer to a Slack interaction through its response_url (ephemeral refusals), off the answer's path. */
  respond(url: string, body: Record<string, unknown>): Promise<void> {
    const message: NotifyMessage = { type: 'respond', url, body };
    const digest = createHash('sha256').update(JSON.stringify(message)).digest('hex');
    return this.send(message, `respond-${digest.slice(0, 16)}`, digest);
  }

  private async send(message: NotifyMessage, group: string, deduplicationId: string): Promise<void> {
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(message),
          MessageGroupId: group,
          MessageDeduplicationId: deduplicationId,
        }),
      );
    } catch (error) {
      translateAwsError(error, 'the notification queue');
    }
  }
}

/**
 * WorkScheduler on an SQS standard queue: the delivery delay is the timer. SQS delays at most 15 minutes, so work
 * further ahead arrives early and is scheduled again (the worker checks the time); delays round up, never early.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledWork } from '../../domain/events/follow-ups';
import type { WorkScheduler } from '../../domain/ports';
import { translateAwsError } from '../aws/aws-errors';

export const MAX_DELAY_SECONDS = 900;

export function delaySecondsUntil(at: string, now: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((Date.parse(at) - now) / 1000)));
}

export class SqsWorkQueue implements WorkScheduler {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  async schedule(work: ScheduledWork): Promise<void> {
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(work),
          DelaySeconds: delaySecondsUntil(work.at, this.now()),
        }),
      );
    } catch (error) {
      translateAwsError(error, 'the work queue');
    }
  }
}

/**
 * Creates the broker's queues when missing (local runner and tests; deployed stacks use CloudFormation): the work
 * queue and the Slack notification FIFO queue, each with a dead-letter queue after a bounded number of receives.
 * Named after the table, so several runners on one table share them.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface BrokerQueues {
  workQueueUrl: string;
  notifyQueueUrl: string;
}

/** Receives before a message is given up to its dead-letter queue. */
export const WORK_MAX_RECEIVES = 10;
export const NOTIFY_MAX_RECEIVES = 5;

async function queue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
  return QueueUrl;
}

async function arnOf(sqs: SQSClient, url: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`no ARN for queue ${url}`);
  return arn;
}

export async function ensureQueues(sqs: SQSClient, tableName: string): Promise<BrokerQueues> {
  const base = tableName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 60);
  const fifo = { FifoQueue: 'true' };
  const workDlq = await queue(sqs, `${base}-work-dlq`, {});
  const notifyDlq = await queue(sqs, `${base}-notify-dlq.fifo`, fifo);
  const redrive = async (dlq: string, maxReceiveCount: number) =>
    JSON.stringify({ deadLetterTargetArn: await arnOf(sqs, dlq), maxReceiveCount });
  return {
    workQueueUrl: await queue(sqs, `${base}-work`, {
      VisibilityTimeout: '60',
      RedrivePolicy: await redrive(workDlq, WORK_MAX_RECEIVES),
    }),
    notifyQueueUrl: await queue(sqs, `${base}-notify.fifo`, {
      ...fifo,
      VisibilityTimeout: '30',
      RedrivePolicy: await redrive(notifyDlq, NOTIFY_MAX_RECEIVES),
    }),
  };
}

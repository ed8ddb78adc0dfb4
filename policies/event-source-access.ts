/** What a function's execution role needs so that Lambda can poll an event source for it. */
import type { RoleStatement } from './statement-types';

export type EventSourceService = 'sqs' | 'kinesis' | 'dynamodb';

/** Read actions per polled source (docs/aws-lambda.md, "Event sources that Lambda polls"). */
export const EVENT_SOURCE_READ_ACTIONS: Readonly<Record<EventSourceService, readonly string[]>> = {
  sqs: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
  kinesis: [
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:ListShards',
    'kinesis:ListStreams',
    'kinesis:SubscribeToShard',
  ],
  dynamodb: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
};

/** IAM statement ids allow only [A-Za-z0-9], unlike Lambda's; strip the rest. */
export function iamSid(sid: string): string {
  return sid.replace(/[^A-Za-z0-9]/g, '');
}

/** What a source's customer-managed KMS key must allow the poller (Lambda's event source docs: "kms:Decrypt"). */
const KEY_READ_ACTION = 'kms:Decrypt';

/**
 * The execution-role statement for one polled source. With `keyArn` (the source's customer-managed key), one
 * statement still: kms:Decrypt joins the actions and the key joins the resources. IAM matches each action only
 * against resources of its own service, so the pairs this adds (sqs:* on a key, kms:Decrypt on a queue) grant nothing,
 * and the approver sees exactly one statement.
 */
export function eventSourceReadStatement(
  sid: string,
  service: EventSourceService,
  eventSourceArn: string,
  keyArn: string | null = null,
): RoleStatement {
  return {
    Sid: iamSid(sid),
    Effect: 'Allow',
    Action: keyArn ? [...EVENT_SOURCE_READ_ACTIONS[service], KEY_READ_ACTION] : [...EVENT_SOURCE_READ_ACTIONS[service]],
    Resource: keyArn ? [eventSourceArn, keyArn] : eventSourceArn,
  };
}

/** The KMS key a statement lets the role decrypt with, if any. */
export function decryptKeyIn(statement: RoleStatement): string | null {
  return Array.isArray(statement.Resource) && statement.Action.includes(KEY_READ_ACTION)
    ? (statement.Resource.find((r) => r.split(':')[2] === 'kms') ?? null)
    : null;
}

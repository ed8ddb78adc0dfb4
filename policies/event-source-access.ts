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

export function eventSourceReadStatement(
  sid: string,
  service: EventSourceService,
  eventSourceArn: string,
): RoleStatement {
  return {
    Sid: iamSid(sid),
    Effect: 'Allow',
    Action: [...EVENT_SOURCE_READ_ACTIONS[service]],
    Resource: eventSourceArn,
  };
}

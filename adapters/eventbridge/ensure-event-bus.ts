/**
 * Creates the audit event bus when missing (local runner and tests; deployed stacks use CloudFormation: the stack's
 * own bus, docs/audit.md, Events on EventBridge).
 */
import { CreateEventBusCommand, DescribeEventBusCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { awsErrorName } from '../aws/aws-errors';

/** The bus's ARN, after creating it if it did not exist. */
export async function ensureEventBus(events: EventBridgeClient, name: string): Promise<string> {
  try {
    const { Arn } = await events.send(new DescribeEventBusCommand({ Name: name }));
    if (Arn) return Arn;
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
  }
  const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: name }));
  if (!EventBusArn) throw new Error(`CreateEventBus ${name} returned no ARN`);
  return EventBusArn;
}

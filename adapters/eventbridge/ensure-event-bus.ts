/**
 * Creates the audit event bus when missing (local runner and tests; deployed stacks use CloudFormation: the stack's
 * own bus, docs/audit.md, Events on EventBridge). Several runners may start against one emulator at once: a bus another
 * one created between the look and the create is the bus wanted.
 */
import { CreateEventBusCommand, DescribeEventBusCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { awsErrorName } from '../aws/aws-errors';

async function arnOf(events: EventBridgeClient, name: string): Promise<string | null> {
  try {
    return (await events.send(new DescribeEventBusCommand({ Name: name }))).Arn ?? null;
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
    return null;
  }
}

/** The bus's ARN, after creating it if it did not exist. */
export async function ensureEventBus(events: EventBridgeClient, name: string): Promise<string> {
  const found = await arnOf(events, name);
  if (found) return found;
  try {
    const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: name }));
    if (EventBusArn) return EventBusArn;
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceAlreadyExistsException') throw error;
  }
  const made = await arnOf(events, name);
  if (!made) throw new Error(`the event bus ${name} could not be created or found`);
  return made;
}

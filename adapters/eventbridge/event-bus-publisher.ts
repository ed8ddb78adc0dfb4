/**
 * AuditPublisher on an EventBridge bus: PutEvents, ten entries a call (EventBridge's limit). EventBridge can accept a
 * call and still refuse some of its entries (FailedEntryCount, a throttle say): those are sent again, with backoff,
 * and when some are still refused the publish fails (UnavailableError), so the stream delivers the change again.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AUDIT_SOURCE, type AuditEvent } from '../../domain/audit/audit-events';
import { UnavailableError } from '../../domain/errors';
import { backoffMs } from '../../domain/grants/backoff';
import type { AuditPublisher, Sleep } from '../../domain/ports';
import { translateAwsError } from '../aws/aws-errors';

const ENTRIES_PER_CALL = 10;
/** Rounds of sending again only the entries EventBridge refused. */
const ROUNDS = 4;

export class EventBusPublisher implements AuditPublisher {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly busName: string,
    private readonly sleep: Sleep,
  ) {}

  private entry(event: AuditEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: AUDIT_SOURCE,
      DetailType: event.detailType,
      Time: new Date(event.time),
      Resources: event.resources,
      Detail: JSON.stringify(event.detail),
    };
  }

  /** Sends one call's entries; answers those EventBridge refused, with the reason of the first. */
  private async put(entries: PutEventsRequestEntry[]): Promise<{ refused: PutEventsRequestEntry[]; reason: string }> {
    let answer;
    try {
      answer = await this.events.send(new PutEventsCommand({ Entries: entries }));
    } catch (error) {
      return translateAwsError(error, `the event bus ${this.busName}`);
    }
    const results = answer.Entries ?? [];
    const refused = entries.filter((_, i) => !results[i]?.EventId);
    const first = results.find((r) => !r.EventId);
    return { refused, reason: `${first?.ErrorCode ?? ''} ${first?.ErrorMessage ?? ''}`.trim() };
  }

  async publish(events: readonly AuditEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += ENTRIES_PER_CALL) {
      let pending = events.slice(start, start + ENTRIES_PER_CALL).map((e) => this.entry(e));
      for (let round = 1; pending.length > 0; round++) {
        const { refused, reason } = await this.put(pending);
        if (refused.length > 0 && round >= ROUNDS) {
          throw new UnavailableError(`the event bus ${this.busName} refused ${refused.length} audit events: ${reason}`);
        }
        pending = refused;
        if (pending.length > 0) await this.sleep(backoffMs(round, 100, 2_000));
      }
    }
  }
}

/**
 * Lifecycle metrics from recorded events: requests created/approved, grants activated/expired/revoked/failed, and the
 * expiry lag (seconds between expiresAt and the actual removal). Written to a sink (Powertools EMF when deployed).
 */
import type { GrantRequest, HistoryEvent, HistoryEventName } from '../../domain/model/request';
import type { GrantEventListener } from '../../domain/ports';

export interface MetricSink {
  count(name: string, value?: number): void;
  seconds(name: string, value: number): void;
  milliseconds(name: string, value: number): void;
}

const COUNTED: Partial<Record<HistoryEventName, string>> = {
  CREATED: 'RequestsCreated',
  APPROVED: 'RequestsApproved',
  ACTIVATED: 'GrantsActivated',
  EXPIRED: 'GrantsExpired',
  REVOKED: 'GrantsRevoked',
  FAILED: 'GrantsFailed',
  TIMED_OUT: 'RequestsTimedOut',
  DRIFT: 'DriftDetected',
  ADOPTED: 'StatementsAdopted',
};

export class GrantMetrics implements GrantEventListener {
  constructor(private readonly sink: MetricSink) {}

  recorded(request: GrantRequest, events: readonly HistoryEvent[]): Promise<void> {
    for (const event of events) {
      const name = COUNTED[event.event];
      if (name) this.sink.count(name);
      if (event.event === 'EXPIRED' && request.expiresAt) {
        this.sink.seconds(
          'ExpiryLagSeconds',
          Math.max(0, (Date.parse(event.at) - Date.parse(request.expiresAt)) / 1000),
        );
      }
    }
    return Promise.resolve();
  }
}

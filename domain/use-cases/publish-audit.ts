/**
 * Publish the audit events of one stored change (docs/audit.md, Events on EventBridge): run by the audit consumer of
 * the table's stream, after the write and never inside it. At least once: a change whose events could not all be
 * published fails, and its stream record is delivered again (the same events, the same ids).
 */
import { entryAuditEvent, grantAuditEvents, proposalAuditEvent } from '../audit/audit-events';
import type { AllowlistChange } from '../model/allowlist-change';
import type { AuditRecord } from '../model/audit-record';
import type { EntryChange } from '../model/entry-change';
import type { GrantRequest } from '../model/request';
import type { AuditLog, AuditPublisher } from '../ports';

/**
 * The trail is written before the bus is told: both are idempotent, so a change delivered again after a failed publish
 * writes the same records again and publishes the same events.
 */
export function makePublishAudit(deps: { publisher: AuditPublisher; auditLog: AuditLog }) {
  const { publisher, auditLog } = deps;
  return {
    /** The history events this change of a request appended. */
    async requestChanged(before: GrantRequest | null, after: GrantRequest): Promise<number> {
      const events = grantAuditEvents(before, after);
      if (events.length === 0) return 0;
      await auditLog.record(
        events.map(
          (e) =>
            ({
              ...e.detail,
              requester: after.requester,
              requesterPerson: after.requesterPerson,
            }) as AuditRecord,
        ),
      );
      await publisher.publish(events);
      return events.length;
    },
    /** A proposal under the two-person rule, made or decided. */
    async proposalChanged(before: AllowlistChange | null, after: AllowlistChange): Promise<number> {
      const event = proposalAuditEvent(before, after);
      if (event) await publisher.publish([event]);
      return event ? 1 : 0;
    },
    /** One change of an allowlist entry. */
    async entryChanged(change: EntryChange): Promise<number> {
      await publisher.publish([entryAuditEvent(change)]);
      return 1;
    },
  };
}

export type PublishAudit = ReturnType<typeof makePublishAudit>;

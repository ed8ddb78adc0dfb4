/**
 * Publish the audit events of one stored change (docs/audit.md, Events on EventBridge): run by the audit consumer of
 * the table's stream, after the write and never inside it. At least once: a change whose events could not all be
 * published fails, and its stream record is delivered again (the same events, the same ids).
 */
import { entryAuditEvent, grantAuditEvents } from '../audit/audit-events';
import type { EntryChange } from '../model/entry-change';
import type { GrantRequest } from '../model/request';
import type { AuditPublisher } from '../ports';

export function makePublishAudit(deps: { publisher: AuditPublisher }) {
  const { publisher } = deps;
  return {
    /** The history events this change of a request appended. */
    async requestChanged(before: GrantRequest | null, after: GrantRequest): Promise<number> {
      const events = grantAuditEvents(before, after);
      if (events.length > 0) await publisher.publish(events);
      return events.length;
    },
    /** One change of an allowlist entry. */
    async entryChanged(change: EntryChange): Promise<number> {
      await publisher.publish([entryAuditEvent(change)]);
      return 1;
    },
  };
}

export type PublishAudit = ReturnType<typeof makePublishAudit>;

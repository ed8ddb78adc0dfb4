/** One history event of one request as the audit trail keeps it (docs/audit.md, Reading the trail). */

/** The grant event's detail as published on the bus, and who asked for the grant. */
export interface AuditRecord {
  requestId: string;
  event: string;
  actor: string;
  at: string;
  status: string;
  functionArn: string;
  qualifier: string | null;
  principal: string | null;
  sourceArn: string | null;
  eventSourceArn: string | null;
  statementId: string;
  statementHash: string;
  allowlistEntryId: string | null;
  sequence: number;
  detail: Record<string, unknown>;
  /** The acting identity that asked, and the person key it counts as. */
  requester: string;
  requesterPerson: string;
}

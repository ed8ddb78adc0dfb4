/**
 * The table's stream as the audit consumer reads it (docs/audit.md, Delivery), shared by the Lambda entry
 * (events/audit.ts) and the local runner's second stream reader: the new history events of each request change and
 * each allowlist change record are published, in stream order. A record whose events could not be published stops the
 * batch there, to be delivered again from it: nothing after it is published first, nothing is skipped.
 */
import {
  entryChangeRecord,
  proposalChange,
  requestChange,
  type StreamRecordLike,
} from '../../adapters/dynamodb/stream-changes';
import type { App } from '../app';
import type { StreamBatchResult } from './process-stream';

export async function processAuditRecords(
  app: Pick<App, 'publishAudit'>,
  records: readonly StreamRecordLike[],
): Promise<StreamBatchResult> {
  let dispatched = 0;
  for (const record of records) {
    const request = requestChange(record);
    const entry = request ? null : entryChangeRecord(record);
    const proposal = request || entry ? null : proposalChange(record);
    if (!request && !entry && !proposal) continue;
    try {
      if (request) await app.publishAudit.requestChanged(request.before, request.after);
      else if (entry) await app.publishAudit.entryChanged(entry.change);
      else if (proposal) await app.publishAudit.proposalChanged(proposal.before, proposal.after);
      dispatched++;
    } catch (error) {
      return { failedAt: (request ?? entry ?? proposal)?.sequenceNumber ?? '', dispatched, error };
    }
  }
  return { failedAt: null, dispatched };
}

/**
 * The table's stream, shared by the Lambda entry (events/stream.ts) and the local runner's stream reader: each
 * request change in order is dispatched (work scheduled, Slack told, metrics), and each allowlist entry change
 * schedules the re-check of its live requests. On a failure, the records from the failed one on are reported back to
 * be delivered again (stream order is kept; dispatching is idempotent).
 */
import { entryChange, requestChange, type StreamRecordLike } from '../../adapters/dynamodb/stream-changes';
import type { App } from '../app';

export interface StreamBatchResult {
  /** The sequence number to resume at, when a record failed. */
  failedAt: string | null;
  /** Request and allowlist changes dispatched (the other records are the table's other items). */
  dispatched: number;
  error?: unknown;
}

export async function processStreamRecords(
  app: Pick<App, 'dispatchChange' | 'dispatchEntryChange'>,
  records: readonly StreamRecordLike[],
): Promise<StreamBatchResult> {
  let dispatched = 0;
  for (const record of records) {
    const change = requestChange(record);
    const entry = change ? null : entryChange(record);
    if (!change && !entry) continue;
    try {
      if (change) await app.dispatchChange(change.before, change.after);
      else if (entry) await app.dispatchEntryChange(entry.entryId, entry.sequenceNumber);
      dispatched++;
    } catch (error) {
      return { failedAt: (change ?? entry)?.sequenceNumber ?? '', dispatched, error };
    }
  }
  return { failedAt: null, dispatched };
}

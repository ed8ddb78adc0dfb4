/**
 * The table's stream records as request changes (before, after), allowlist entry changes (which entry) and the change
 * records of entries (who changed one, before, after: the audit stream's). Only those items count: leases, budget
 * counters, Slack message refs and claims live in the same table and are skipped.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AllowlistChange } from '../../domain/model/allowlist-change';
import type { EntryChange } from '../../domain/model/entry-change';
import type { GrantRequest } from '../../domain/model/request';
import { ALLOWLIST_PK, ENTRY_CHANGES_PK, PROPOSALS_PK, REQUEST_SK, entryKey } from './keys';
import { fromItem } from './request-store';

/** What both a Lambda stream event and the DynamoDB Streams API give for one record. */
export interface StreamRecordLike {
  eventName?: string;
  dynamodb?: {
    SequenceNumber?: string;
    Keys?: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
  };
}

export interface RequestChange {
  sequenceNumber: string;
  before: GrantRequest | null;
  after: GrantRequest;
}

const image = (raw: Record<string, unknown> | undefined): GrantRequest | null =>
  raw ? fromItem(unmarshall(raw as Record<string, AttributeValue>)) : null;

export function requestChange(record: StreamRecordLike): RequestChange | null {
  const data = record.dynamodb;
  const sk = (data?.Keys?.SK as { S?: string } | undefined)?.S;
  if (sk !== REQUEST_SK || record.eventName === 'REMOVE' || !data?.NewImage) return null;
  const after = image(data.NewImage);
  if (!after) return null;
  return { sequenceNumber: data.SequenceNumber ?? '', before: image(data.OldImage), after };
}

/** A put or delete of an allowlist entry: which entry changed (its live requests are matched again). */
export function entryChange(record: StreamRecordLike): { sequenceNumber: string; entryId: string } | null {
  const keys = record.dynamodb?.Keys;
  const pk = (keys?.PK as { S?: string } | undefined)?.S;
  const sk = (keys?.SK as { S?: string } | undefined)?.S;
  const prefix = entryKey('').SK;
  if (pk !== ALLOWLIST_PK || !sk?.startsWith(prefix)) return null;
  return { sequenceNumber: record.dynamodb?.SequenceNumber ?? '', entryId: sk.slice(prefix.length) };
}

/** A new change record of an allowlist entry (written with the entry, in one transaction). */
export function entryChangeRecord(record: StreamRecordLike): { sequenceNumber: string; change: EntryChange } | null {
  const data = record.dynamodb;
  const pk = (data?.Keys?.PK as { S?: string } | undefined)?.S;
  if (pk !== ENTRY_CHANGES_PK || record.eventName !== 'INSERT' || !data?.NewImage) return null;
  const { PK: _pk, SK: _sk, ...change } = unmarshall(data.NewImage as Record<string, AttributeValue>);
  return { sequenceNumber: data.SequenceNumber ?? '', change: change as EntryChange };
}

const proposalImage = (raw: Record<string, unknown> | undefined): AllowlistChange | null => {
  if (!raw) return null;
  const { PK: _pk, SK: _sk, ...change } = unmarshall(raw as Record<string, AttributeValue>);
  return change as AllowlistChange;
};

/** A proposal under the two-person rule, as stored before and after a write. */
export function proposalChange(
  record: StreamRecordLike,
): { sequenceNumber: string; before: AllowlistChange | null; after: AllowlistChange } | null {
  const data = record.dynamodb;
  const pk = (data?.Keys?.PK as { S?: string } | undefined)?.S;
  const after = proposalImage(data?.NewImage);
  if (pk !== PROPOSALS_PK || record.eventName === 'REMOVE' || !after) return null;
  return { sequenceNumber: data?.SequenceNumber ?? '', before: proposalImage(data?.OldImage), after };
}

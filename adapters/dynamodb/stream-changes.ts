/**
 * The table's stream records as request changes (before, after). Only request items count: leases, budget counters,
 * Slack message refs and claims live in the same table and are skipped.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { GrantRequest } from '../../domain/model/request';
import { REQUEST_SK } from './keys';
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

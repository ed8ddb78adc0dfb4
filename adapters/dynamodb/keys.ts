/**
 * Every key and index of the single broker table, in one place.
 * - request            PK REQ#<id>                SK #REQUEST
 * - its Slack message  PK REQ#<id>                SK #SLACK        (channel, ts)
 * - idempotency claim  PK CLAIM#<caller>#<key>    SK #CLAIM        (ttl lets DynamoDB drop it; reads check expiry)
 * - allowlist entry    PK ALLOWLIST               SK ENTRY#<id>
 * - re-check marker    PK RECHECK                 SK ENTRY#<id>    (the entry changed; no finished re-check saw it yet)
 * - audit record       PK AUDIT#<yyyy-MM-dd>      SK <at>#<requestId>#<sequence, 6 digits>  (a history event, by day)
 * - allowlist proposal PK ALLOWLIST_CHANGES        SK CHANGE#<id>   (the two-person rule's proposed changes)
 * - entry change       PK ENTRY_CHANGES           SK ENTRY#<id>#<version, 10 digits>  (who changed it, before, after)
 * - work lease         PK REQ#<id>                SK #LEASE        (holder, until; ttl drops leftovers)
 * - budget second      PK BUDGET#<scope>#<second> SK #BUDGET       (callers counted in that second, a string set; ttl)
 * - stream reader      PK STREAM#<shard>          SK #READER       (local runner only: leader lease, checkpoint)
 * - reconcile progress PK RECONCILE#<account>      SK #PROGRESS     (where the hourly reconcile goes on)
 * - dispatch claim     PK DISPATCH#<id>#<version>  SK #DISPATCH     (that change's work was scheduled; ttl)
 * Indexes (projection ALL): byRequester (the requester's person key), byEntry, byStatus sort by `<createdAt>#<id>` (newest first when listing);
 * byExpiry is sparse, present only on ACTIVE requests, sorted by `<due time>#<id>` (expiresAt, or the revoke
 * marker's time): the sweep's due list.
 */
import type { GrantRequest, RequestStatus } from '../../domain/model/request';
import type { ListSource } from '../../domain/ports';
import { duePosition } from '../../domain/rules/due-work';
import { listPosition } from '../../domain/rules/list-cursor';

export const INDEX = {
  byRequester: { name: 'byRequester', pk: 'GSI1PK', sk: 'GSI1SK' },
  byEntry: { name: 'byEntry', pk: 'GSI2PK', sk: 'GSI2SK' },
  byStatus: { name: 'byStatus', pk: 'GSI3PK', sk: 'GSI3SK' },
  byExpiry: { name: 'byExpiry', pk: 'EXPK', sk: 'EXSK' },
} as const;
export type IndexKeys = (typeof INDEX)[keyof typeof INDEX];

export const requestKey = (id: string) => ({ PK: `REQ#${id}`, SK: REQUEST_SK });
export const slackMessageKey = (id: string) => ({ PK: `REQ#${id}`, SK: '#SLACK' });
/** How far a request's history was told to its requester in direct messages, and which end's notice was sent. */
export const requesterDmKey = (id: string) => ({ PK: `REQ#${id}`, SK: '#SLACKDM' });
export const claimKey = (caller: string, key: string) => ({ PK: `CLAIM#${caller}#${key}`, SK: '#CLAIM' });
export const leaseKey = (id: string) => ({ PK: `REQ#${id}`, SK: '#LEASE' });
export const budgetSecondKey = (scope: string, second: number) => ({ PK: `BUDGET#${scope}#${second}`, SK: '#BUDGET' });
export const streamReaderKey = (shardId: string) => ({ PK: `STREAM#${shardId}`, SK: '#READER' });
export const dispatchClaimKey = (change: string) => ({ PK: `DISPATCH#${change}`, SK: '#DISPATCH' });
export const reconcileProgressKey = (account: string) => ({ PK: `RECONCILE#${account}`, SK: '#PROGRESS' });
/** The sort key of request items: stream consumers keep only these records. */
export const REQUEST_SK = '#REQUEST';
export const ALLOWLIST_PK = 'ALLOWLIST';
export const entryKey = (id: string) => ({ PK: ALLOWLIST_PK, SK: `ENTRY#${id}` });
export const RECHECK_PK = 'RECHECK';
export const ENTRY_CHANGES_PK = 'ENTRY_CHANGES';
export const PROPOSALS_PK = 'ALLOWLIST_CHANGES';
export const proposalKey = (id: string) => ({ PK: PROPOSALS_PK, SK: `CHANGE#${id}` });
export const auditDayKey = (day: string) => `AUDIT#${day}`;
/** Where an entry's change records start in their partition (an entry id holds no `#`). */
export const entryChangePrefix = (id: string) => `ENTRY#${id}#`;
export const entryChangeKey = (id: string, version: number) => ({
  PK: ENTRY_CHANGES_PK,
  SK: `${entryChangePrefix(id)}${String(version).padStart(10, '0')}`,
});
export const recheckMarkerKey = (id: string) => ({ PK: RECHECK_PK, SK: `ENTRY#${id}` });

export const statusPartition = (status: RequestStatus) => `STATUS#${status}`;
export const ACTIVE_EXPIRY_PARTITION = 'ACTIVE';

/** The index attributes a request item carries in its current state. */
export function requestIndexKeys(r: GrantRequest): Record<string, string> {
  const sort = listPosition(r);
  const keys: Record<string, string> = {
    // By person: the same person's requests under any of its sessions are its own.
    [INDEX.byRequester.pk]: `REQUESTER#${r.requesterPerson}`,
    [INDEX.byRequester.sk]: sort,
    [INDEX.byStatus.pk]: statusPartition(r.status),
    [INDEX.byStatus.sk]: sort,
  };
  // An adopted grant no entry permits has no entry to be listed under (byEntry is sparse for it).
  if (r.allowlistEntryId !== null) {
    keys[INDEX.byEntry.pk] = `ENTRY#${r.allowlistEntryId}`;
    keys[INDEX.byEntry.sk] = sort;
  }
  // A revoke marker makes the grant due at once, so a sweep finishes an interrupted revoke.
  const due = duePosition(r);
  if (due !== null) {
    keys[INDEX.byExpiry.pk] = ACTIVE_EXPIRY_PARTITION;
    keys[INDEX.byExpiry.sk] = due;
  }
  return keys;
}

/** Which index and partition serves one list source. */
export function listSourceKey(source: ListSource): { index: IndexKeys; partition: string } {
  switch (source.kind) {
    case 'requester':
      return { index: INDEX.byRequester, partition: `REQUESTER#${source.value}` };
    case 'entry':
      return { index: INDEX.byEntry, partition: `ENTRY#${source.value}` };
    case 'status':
      return { index: INDEX.byStatus, partition: `STATUS#${source.value}` };
  }
}

/**
 * The local stand-in for Lambda's event source mapping on the table's stream: reads the stream from the emulator
 * (DynamoDB Streams API) and hands each batch to the same code the deployed stream function runs.
 * Several runners on one table elect one reader per shard with a lease in the table, and the reader keeps its
 * checkpoint there, so a runner that dies (even by SIGKILL) is replaced within the lease time and nothing is lost
 * or read twice beyond the batch in flight. Like the deployed mapping (maximumRetryAttempts), a record that fails
 * `maxAttempts` times in a row is skipped and said so: the sweep recovers what it would have started (due work from
 * the table, allowlist re-checks from their markers), and the records after it flow again.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StreamBatchResult } from '../handlers/events/process-stream';
import { LEASE_MS, ShardLease } from './shard-lease';

/**
 * Lambda polls a stream shard about four times a second; so does this stand-in. Polling faster buys little and costs
 * much: moto serves requests one at a time (a global lock), so idle polls delay every other call the broker makes.
 */
const IDLE_POLL_MS = 250;

export interface StreamReaderDeps {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  db: DynamoDBDocumentClient;
  tableName: string;
  holder: string;
  process: (records: _Record[]) => Promise<StreamBatchResult>;
  say: (line: string) => void;
  /** Which consumer of the stream this is (its own lease and checkpoint); the dispatcher when not given. */
  consumer?: string;
  /** Attempts at one record before it is skipped (the deployed mapping's 10). */
  maxAttempts?: number;
  /** The pause after a failure before the record is read again. */
  errorPauseMs?: number;
  /** The pause after an empty read (default IDLE_POLL_MS): a consumer with seconds to spare polls less. */
  idlePollMs?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sequenceOf = (r: _Record | undefined) => r?.dynamodb?.SequenceNumber;

/** The table's stream and its one shard (the emulator keeps one; a real table's lineage is Lambda's business). */
async function locateShard(deps: StreamReaderDeps): Promise<{ streamArn: string; shardId: string }> {
  const { Table } = await deps.dynamo.send(new DescribeTableCommand({ TableName: deps.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${deps.tableName} has no stream`);
  const { StreamDescription } = await deps.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const shardId = StreamDescription?.Shards?.[0]?.ShardId;
  if (!shardId) throw new Error(`stream of ${deps.tableName} has no shard`);
  return { streamArn, shardId };
}

async function iteratorAfter(
  streams: DynamoDBStreamsClient,
  shard: { streamArn: string; shardId: string },
  checkpoint: string | null,
): Promise<string> {
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: shard.streamArn,
      ShardId: shard.shardId,
      ...(checkpoint
        ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
        : { ShardIteratorType: 'TRIM_HORIZON' }),
    }),
  );
  if (!ShardIterator) throw new Error(`no iterator for shard ${shard.shardId}`);
  return ShardIterator;
}

export function startStreamReader(deps: StreamReaderDeps): { stop(): Promise<void> } {
  const { streams, say } = deps;
  const maxAttempts = deps.maxAttempts ?? 10;
  const errorPauseMs = deps.errorPauseMs ?? 1_000;
  let stopping = false;

  async function run(): Promise<void> {
    const shard = await locateShard(deps);
    const leaseName = deps.consumer ? `${shard.shardId}#${deps.consumer}` : shard.shardId;
    const lease = new ShardLease(deps.db, deps.tableName, leaseName, deps.holder);
    const name = deps.consumer ? `stream (${deps.consumer})` : 'stream';
    let leader = false;
    let iterator: string | null = null;
    let leaseRenewedAt = 0;
    /** The last record read, kept with the lease; only batches that dispatched something save it at once. */
    let seen: string | null = null;
    /** The record that failed last, and how many times in a row. */
    let failing: { sequenceNumber: string; attempts: number } | null = null;

    /** After a failure at `failedAt`: read again from it, or past it when it failed too often. */
    async function recover(records: _Record[], result: StreamBatchResult): Promise<void> {
      const failedAt = result.failedAt as string;
      const attempts = (failing?.sequenceNumber === failedAt ? failing.attempts : 0) + 1;
      if (attempts >= maxAttempts) {
        say(
          `${name}: record ${failedAt} failed ${attempts} times; skipped (the sweep recovers its work): ${String(result.error)}`,
        );
        await lease.checkpoint(failedAt);
        failing = null;
      } else {
        const before = sequenceOf(records[records.findIndex((r) => sequenceOf(r) === failedAt) - 1]);
        if (before) await lease.checkpoint(before);
        say(`${name}: dispatch failed, retrying: ${String(result.error)}`);
        failing = { sequenceNumber: failedAt, attempts };
      }
    }

    while (!stopping) {
      try {
        if (!leader || Date.now() - leaseRenewedAt > LEASE_MS / 3) {
          const checkpoint = await lease.take(leader ? seen : null);
          const wasLeader = leader;
          leader = checkpoint !== undefined;
          leaseRenewedAt = Date.now();
          if (!leader) {
            iterator = null;
            await pause(LEASE_MS / 2);
            continue;
          }
          if (!wasLeader) {
            iterator = await iteratorAfter(streams, shard, checkpoint ?? null);
            say(`${name}: this runner reads the table stream`);
          }
        }
        const { Records = [], NextShardIterator } = await streams.send(
          new GetRecordsCommand({ ShardIterator: iterator as string, Limit: 100 }),
        );
        const result = Records.length > 0 ? await deps.process(Records) : { failedAt: null, dispatched: 0 };
        if (result.failedAt !== null) {
          await recover(Records, result);
          // Read from the checkpoint again, as a new leader would.
          leader = false;
          await pause(errorPauseMs);
          continue;
        }
        failing = null;
        // Saving the checkpoint writes to the table, which is itself a stream record: save it only for batches that
        // carried request changes, or every write would bring one more record to read.
        seen = sequenceOf(Records[Records.length - 1]) ?? seen;
        if (seen && result.dispatched > 0) {
          await lease.checkpoint(seen);
          leaseRenewedAt = Date.now();
        }
        iterator = NextShardIterator ?? iterator;
        if (Records.length === 0) await pause(deps.idlePollMs ?? IDLE_POLL_MS);
      } catch (error) {
        if (stopping) break;
        say(`${name}: ${error instanceof Error ? error.message : String(error)}; retrying`);
        leader = false;
        await pause(errorPauseMs);
      }
    }
  }

  const running = run().catch((error: unknown) =>
    say(`stream reader stopped: ${error instanceof Error ? error.message : String(error)}`),
  );
  return {
    async stop() {
      stopping = true;
      await running;
    },
  };
}

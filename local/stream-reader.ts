/**
 * The local stand-in for Lambda's event source mapping on the table's stream: reads the stream from the emulator
 * (DynamoDB Streams API) and hands each batch to the same code the deployed stream function runs.
 * Several runners on one table elect one reader per shard with a lease in the table, and the reader keeps its
 * checkpoint there, so a runner that dies (even by SIGKILL) is replaced within the lease time and nothing is lost
 * or read twice beyond the batch in flight.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName } from '../adapters/aws/aws-errors';
import { streamReaderKey } from '../adapters/dynamodb/keys';
import type { StreamBatchResult } from '../handlers/events/process-stream';

const LEASE_MS = 10_000;
/**
 * Lambda polls a stream shard about four times a second; so does this stand-in. Polling faster buys little and costs
 * much: moto serves requests one at a time (a global lock), so idle polls delay every other call the broker makes.
 */
const IDLE_POLL_MS = 250;
const ERROR_PAUSE_MS = 1_000;

export interface StreamReaderDeps {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  db: DynamoDBDocumentClient;
  tableName: string;
  holder: string;
  process: (records: _Record[]) => Promise<StreamBatchResult>;
  say: (line: string) => void;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startStreamReader(deps: StreamReaderDeps): { stop(): Promise<void> } {
  const { dynamo, streams, db, tableName, holder, say } = deps;
  let stopping = false;
  let leader = false;

  /**
   * Takes or renews the shard's lease, saving `seen` as the checkpoint when given; returns the stored checkpoint, or
   * undefined when another runner leads.
   */
  async function lease(shardId: string, seen: string | null): Promise<string | null | undefined> {
    try {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: streamReaderKey(shardId),
          UpdateExpression: `SET #holder = :me, #until = :until${seen ? ', #checkpoint = :seen' : ''}`,
          ConditionExpression: 'attribute_not_exists(#holder) OR #until < :now OR #holder = :me',
          ExpressionAttributeNames: {
            '#holder': 'holder',
            '#until': 'until',
            ...(seen ? { '#checkpoint': 'checkpoint' } : {}),
          },
          ExpressionAttributeValues: {
            ':me': holder,
            ':until': Date.now() + LEASE_MS,
            ':now': Date.now(),
            ...(seen ? { ':seen': seen } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (Attributes?.checkpoint as string | undefined) ?? null;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  async function saveCheckpoint(shardId: string, sequenceNumber: string): Promise<void> {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: streamReaderKey(shardId),
        UpdateExpression: 'SET #checkpoint = :seq, #until = :until',
        ConditionExpression: '#holder = :me',
        ExpressionAttributeNames: { '#checkpoint': 'checkpoint', '#until': 'until', '#holder': 'holder' },
        ExpressionAttributeValues: { ':seq': sequenceNumber, ':until': Date.now() + LEASE_MS, ':me': holder },
      }),
    );
  }

  async function iteratorAfter(streamArn: string, shardId: string, checkpoint: string | null): Promise<string> {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(checkpoint
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    if (!ShardIterator) throw new Error(`no iterator for shard ${shardId}`);
    return ShardIterator;
  }

  async function run(): Promise<void> {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`table ${tableName} has no stream`);
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    // The emulator keeps one shard per table; a real table's stream would need shard lineage, which Lambda handles.
    const shardId = StreamDescription?.Shards?.[0]?.ShardId;
    if (!shardId) throw new Error(`stream of ${tableName} has no shard`);

    let iterator: string | null = null;
    let leaseRenewedAt = 0;
    /** The last record read, kept with the lease; only batches that dispatched something save it at once. */
    let seen: string | null = null;
    while (!stopping) {
      try {
        if (!leader || Date.now() - leaseRenewedAt > LEASE_MS / 3) {
          const checkpoint = await lease(shardId, leader ? seen : null);
          const wasLeader = leader;
          leader = checkpoint !== undefined;
          leaseRenewedAt = Date.now();
          if (leader && !wasLeader) {
            iterator = await iteratorAfter(streamArn, shardId, checkpoint ?? null);
            say('stream: this runner reads the table stream');
          }
          if (!leader) {
            iterator = null;
            await pause(LEASE_MS / 2);
            continue;
          }
        }
        const { Records = [], NextShardIterator } = await streams.send(
          new GetRecordsCommand({ ShardIterator: iterator as string, Limit: 100 }),
        );
        const result = Records.length > 0 ? await deps.process(Records) : { failedAt: null, dispatched: 0 };
        if (result.failedAt !== null) {
          // Resume at the failed record: keep the checkpoint just before it and read from there again.
          const index = Records.findIndex((r) => r.dynamodb?.SequenceNumber === result.failedAt);
          const before = Records[index - 1]?.dynamodb?.SequenceNumber;
          if (before) await saveCheckpoint(shardId, before);
          say(`stream: dispatch failed, retrying: ${String(result.error)}`);
          leader = false;
          await pause(ERROR_PAUSE_MS);
          continue;
        }
        // Saving the checkpoint writes to the table, which is itself a stream record: save it only for batches that
        // carried request changes, or every write would bring one more record to read.
        seen = Records[Records.length - 1]?.dynamodb?.SequenceNumber ?? seen;
        if (seen && result.dispatched > 0) {
          await saveCheckpoint(shardId, seen);
          leaseRenewedAt = Date.now();
        }
        iterator = NextShardIterator ?? iterator;
        if (Records.length === 0) await pause(IDLE_POLL_MS);
      } catch (error) {
        if (stopping) break;
        say(`stream: ${error instanceof Error ? error.message : String(error)}; retrying`);
        leader = false;
        await pause(ERROR_PAUSE_MS);
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

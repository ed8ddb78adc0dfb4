/**
 * The local runner's stream reader against moto's DynamoDB stream (issue #20, point 4): a record that keeps failing is
 * retried a bounded number of times, then skipped and said so, and the records after it flow again (before, one poison
 * record stopped the reader's checkpoint for good and every later change, re-checks included, waited behind it).
 */
import { DynamoDBStreamsClient, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startStreamReader } from '../../local/stream-reader';
import { freshMoto, motoEndpoint } from '../support/aws';

const TABLE = 'stream-reader-broker';
const keyOf = (r: _Record) => (r.dynamodb?.Keys?.PK as { S?: string } | undefined)?.S ?? '';

async function until(condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('skips a record that failed maxAttempts times in a row, says so, and reads on', async () => {
  const clients = await freshMoto(TABLE);
  const handled: string[] = [];
  let poisonAttempts = 0;
  const lines: string[] = [];
  const reader = startStreamReader({
    dynamo: clients.dynamo,
    streams: new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: motoEndpoint() }),
    db: clients.doc,
    tableName: TABLE,
    holder: 'test-reader',
    maxAttempts: 3,
    errorPauseMs: 20,
    say: (line) => lines.push(line),
    process: (records) => {
      let dispatched = 0;
      for (const record of records) {
        const key = keyOf(record);
        if (!key.startsWith('ITEM')) continue;
        if (key === 'ITEM#poison') {
          poisonAttempts++;
          const failedAt = record.dynamodb?.SequenceNumber as string;
          return Promise.resolve({ failedAt, dispatched, error: new Error('cannot dispatch this record') });
        }
        handled.push(key);
        dispatched++;
      }
      return Promise.resolve({ failedAt: null, dispatched });
    },
  });
  try {
    for (const id of ['a', 'poison', 'b']) {
      await clients.doc.send(new PutCommand({ TableName: TABLE, Item: { PK: `ITEM#${id}`, SK: '#ITEM' } }));
    }
    await until(() => handled.includes('ITEM#b'), 20_000);
    expect(poisonAttempts).toBe(3);
    // Each record before the poison one was handled again with each attempt at most, never lost.
    expect(new Set(handled)).toEqual(new Set(['ITEM#a', 'ITEM#b']));
    expect(lines.filter((l) => l.includes('skipped'))).toEqual([
      expect.stringMatching(/^stream: record \d+ failed 3 times; skipped \(the sweep recovers its work\)/) as unknown,
    ]);
    // Later changes keep flowing.
    await clients.doc.send(new PutCommand({ TableName: TABLE, Item: { PK: 'ITEM#c', SK: '#ITEM' } }));
    await until(() => handled.includes('ITEM#c'), 20_000);
    expect(poisonAttempts).toBe(3);
  } finally {
    await reader.stop();
  }
});

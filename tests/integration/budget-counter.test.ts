/**
 * The shared per-second counter behind the Lambda budget, on moto. Several clients (separate sockets, so moto serves
 * them on separate threads, as it would three broker processes) race for the same seconds. moto does not isolate
 * concurrent writes; with 24 callers a second, a numeric counter lost updates in about one second of fifteen and let five
 * callers into a second of four (this test failed on it in six runs of eight). The counter must keep the limit
 * anyway, and still fill each second.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoSecondCounter } from '../../adapters/dynamodb/budget-counter';
import { budgetSecondKey } from '../../adapters/dynamodb/keys';
import { freshMoto, motoEndpoint } from '../support/aws';

const TABLE = 'lambda-permission-broker';
const LIMIT = 4;

function separateClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: motoEndpoint() }));
}

beforeEach(async () => {
  await freshMoto(TABLE);
});

it('lets at most the limit into a second when twenty-four callers on six clients race for it', async () => {
  const counters = Array.from({ length: 6 }, () => new DynamoSecondCounter(separateClient(), TABLE));
  const seconds = Array.from({ length: 30 }, (_, i) => 1_800_000_000 + i);
  const held: number[] = [];
  // One second at a time, all twenty-four at once: the moment a burst reaches a fresh second.
  for (const second of seconds) {
    const takes = counters.flatMap((counter) => [1, 2, 3, 4].map(() => counter.tryTake('acct#race', second, LIMIT)));
    held.push((await Promise.all(takes)).filter(Boolean).length);
  }
  expect(Math.max(...held)).toBeLessThanOrEqual(LIMIT);
  // Racing may waste a slot now and then; it must not leave the budget mostly unused.
  expect(held.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(seconds.length * LIMIT * 0.75);
}, 60_000);

it('counts callers in order and refuses the one past the limit, second by second', async () => {
  const counter = new DynamoSecondCounter(separateClient(), TABLE);
  const answers = [];
  for (let i = 0; i < LIMIT + 2; i++) answers.push(await counter.tryTake('acct#seq', 1_800_000_100, LIMIT));
  expect(answers).toEqual([true, true, true, true, false, false]);
  // Another second, another scope: their own counts.
  await expect(counter.tryTake('acct#seq', 1_800_000_101, LIMIT)).resolves.toBe(true);
  await expect(counter.tryTake('other#seq', 1_800_000_100, LIMIT)).resolves.toBe(true);
});

it('fills a second for everyone with add (after a throttle), on an item nobody created yet', async () => {
  const doc = separateClient();
  const counter = new DynamoSecondCounter(doc, TABLE);
  await counter.add('acct#throttled', 1_800_000_200, LIMIT);
  await expect(counter.tryTake('acct#throttled', 1_800_000_200, LIMIT)).resolves.toBe(false);
  await counter.add('acct#half', 1_800_000_201, LIMIT / 2);
  const after = [];
  for (let i = 0; i < 3; i++) after.push(await counter.tryTake('acct#half', 1_800_000_201, LIMIT));
  expect(after).toEqual([true, true, false]);
  // The item carries its TTL, so DynamoDB drops it later.
  const { Item } = await doc.send(
    new GetCommand({ TableName: TABLE, Key: budgetSecondKey('acct#half', 1_800_000_201) }),
  );
  expect(Item?.ttl).toBe(1_800_000_201 + 300);
});

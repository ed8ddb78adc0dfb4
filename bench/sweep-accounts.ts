/**
 * A sweep across target accounts (docs/runbook.md, Throttling and the Lambda budget; docs/deploy.md, Many accounts (hub
 * and spokes)): the Lambda budget is per account, so N due grants in each of three accounts should take about as long
 * as N in one (a shared budget would need three times as long). Every expiry costs one RemovePermission in its
 * function's account — the broker's own, or a spoke's through its spoke role — spaced to BROKER_LAMBDA_RPS in that
 * account. Rounds alternate the two sweeps, so a busy machine weighs on both.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../adapters/dynamodb/ensure-table';
import type { GrantRequest } from '../domain/model/request';
import { buildApp, createAwsClients } from '../handlers/app';
import { loadConfig } from '../handlers/config';
import { BROKER_ACCOUNT, clientsInAccount, createFunction, testClients } from '../tests/support/aws';
import { ADMIN, OTHER_ACCOUNT, REQUESTER, openEntry, who } from '../tests/support/fixtures';
import type { BenchAws } from './bench-aws';
import { median } from './stats';
import { fakeRequest, writeRequests } from './sweep-scale';

const SPOKES = ['222222222222', '333333333333'];
/** Each account's due grants are spread over a few functions: one function's policy changes one call at a time. */
const FUNCTIONS = ['order-processor', 'order-auditor', 'order-mailer'];

export async function measureSweepAcrossAccounts(aws: BenchAws, perAccount: number, rps: number, rounds: number) {
  const accounts = [BROKER_ACCOUNT, ...SPOKES];
  // Its own table and functions per rate, so a second measurement on the same emulator starts as fresh as the first.
  const functions = FUNCTIONS.map((name) => `${name}-${rps}rps`);
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: aws.endpoint,
    BROKER_TABLE_NAME: `${aws.table}-accounts-${rps}rps`,
    // The bench asks many times as one requester.
    BROKER_MAX_PENDING_PER_REQUESTER: '1000',
    BROKER_ADMINS: ADMIN,
    BROKER_LAMBDA_RPS: String(rps),
    BROKER_TARGET_ACCOUNTS: accounts.join(','),
  });
  const dynamo = new DynamoDBClient({ region: 'us-east-1', endpoint: aws.endpoint });
  await ensureTable(dynamo, config.BROKER_TABLE_NAME);
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const app = await buildApp(config, createAwsClients(config));
  await app.allowlist.put(
    who(ADMIN),
    'orders',
    openEntry({ functions: ['arn:aws:lambda:us-east-1:*:function:order-*'] }),
  );

  /** Per account, one request per function to copy due grants from. */
  const templates = new Map<string, GrantRequest[]>();
  for (const account of accounts) {
    const clients = account === BROKER_ACCOUNT ? testClients() : await clientsInAccount(account);
    const requests: GrantRequest[] = [];
    for (const name of functions) {
      // A fresh execution role per account and round: earlier steps may have reset the emulator under the cache.
      await createFunction(clients, name, { freshRole: name === functions[0] });
      const { request } = await app.createRequest({
        caller: who(REQUESTER),
        ask: {
          functionName: `arn:aws:lambda:us-east-1:${account}:function:${name}`,
          principal: OTHER_ACCOUNT,
          durationSeconds: 3600,
          reason: 'bench sweep across accounts',
        },
        dryRun: true,
        idempotencyKey: null,
      });
      requests.push(request);
    }
    templates.set(account, requests);
  }

  const now = new Date();
  let next = 1;
  const due = (account: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      ...fakeRequest(next++, 'ACTIVE', now, templates.get(account)?.[i % functions.length] as GrantRequest),
      expiresAt: new Date(now.getTime() - 60_000).toISOString(),
    }));
  const timedSweep = async (items: GrantRequest[]) => {
    await writeRequests(doc, config.BROKER_TABLE_NAME, items);
    const started = performance.now();
    const report = await app.sweep();
    if (report.expired !== items.length) throw new Error(`the sweep expired ${report.expired} of ${items.length}`);
    return (performance.now() - started) / 1000;
  };

  // Warm-up: every account's credentials assumed and connections open, as in a broker that has been running.
  await timedSweep(accounts.flatMap((account) => due(account, 1)));
  const one: number[] = [];
  const three: number[] = [];
  for (let round = 0; round < rounds; round++) {
    one.push(await timedSweep(due(SPOKES[0] as string, perAccount)));
    three.push(await timedSweep(accounts.flatMap((account) => due(account, perAccount))));
  }
  return {
    perAccount,
    rps,
    rounds,
    oneSeconds: median(one),
    threeSeconds: median(three),
    ratio: median(three.map((t, i) => t / (one[i] as number))),
    floorSeconds: perAccount / rps,
  };
}

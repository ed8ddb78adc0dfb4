/**
 * The policy as it will be, on moto through the real SDK (docs/policy-preview.md): sizes compared with what GetPolicy
 * returns, a hand-made statement for the same principal shown as an overlap, and source proof in the broker's account
 * and in a spoke, as the entry asks for it.
 */
import { AddPermissionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { ValidationError } from '../../domain/errors';
import type { App } from '../../handlers/app';
import { BROKER_ACCOUNT, clientsInAccount, createFunction, motoApp, type testClients } from '../support/aws';
import { ADMIN, REQUESTER, SPOKE_ACCOUNT, baseAsk, openEntry, who } from '../support/fixtures';
import { FixedClock } from '../support/in-memory';

jest.setTimeout(60_000);

const TABLE = 'policy-preview';
const topicIn = (account: string, name: string) => `arn:aws:sns:us-east-1:${account}:${name}`;
const fnIn = (account: string) => `arn:aws:lambda:us-east-1:${account}:function:order-processor`;

let app: App;
let hub: ReturnType<typeof testClients>;
let spoke: ReturnType<typeof testClients>;

beforeAll(async () => {
  ({ app, clients: hub } = await motoApp(
    TABLE,
    { BROKER_IDENTITY: 'header', BROKER_TARGET_ACCOUNTS: `${BROKER_ACCOUNT},${SPOKE_ACCOUNT}` },
    { clock: new FixedClock(new Date()), sleep: () => Promise.resolve() },
  ));
  spoke = await clientsInAccount(SPOKE_ACCOUNT);
  for (const clients of [hub, spoke]) {
    await createFunction(clients, 'order-processor');
    await clients.sns.send(new CreateTopicCommand({ Name: 'orders-topic' }));
  }
  // A hand-made statement: any topic of the broker's account may invoke.
  await hub.lambda.send(
    new AddPermissionCommand({
      FunctionName: 'order-processor',
      StatementId: 'team-any-topic',
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: `arn:aws:sns:us-east-1:${BROKER_ACCOUNT}:*`,
    }),
  );
  const functions = ['arn:aws:lambda:us-east-1:*:function:order-*'];
  const sourceArns = ['arn:aws:sns:us-east-1:*:orders-*'];
  await app.allowlist.put(who(ADMIN), 'a-warn', openEntry({ functions, sourceArns }));
});

/** How many requests are stored (the admin's list). */
const stored = async () =>
  (
    await app.listRequests({
      caller: who(ADMIN),
      status: null,
      functionName: null,
      limit: 100,
      nextToken: null,
      overdue: false,
    })
  ).items.length;

const ask = (functionArn: string, sourceArn: string, dryRun = true) =>
  app.createRequest({
    caller: who(REQUESTER),
    ask: { ...baseAsk, functionName: functionArn, principal: 'sns.amazonaws.com', sourceArn },
    dryRun,
    idempotencyKey: null,
  });

it('shows the sizes GetPolicy implies, and the hand-made statement that already lets the topic in', async () => {
  const { Policy } = await hub.lambda.send(new GetPolicyCommand({ FunctionName: 'order-processor' }));
  const { request } = await ask(fnIn(BROKER_ACCOUNT), topicIn(BROKER_ACCOUNT, 'orders-topic'), false);
  expect(request.policyPreview).toMatchObject({
    policyBytes: Buffer.byteLength(Policy ?? ''),
    policyBytesAfter: Buffer.byteLength(Policy ?? '') + Buffer.byteLength(JSON.stringify(request.statement)) + 1,
    limitBytes: 20480,
    statements: 1,
    overlaps: [{ statementId: 'team-any-topic', reason: expect.stringContaining('sns.amazonaws.com') }],
  });
  expect(request.warnings).toEqual([]);
  // The answer of a detail read carries what was stored.
  expect((await app.getRequest(who(REQUESTER), request.id)).policyPreview).toEqual(request.policyPreview);
});

it.each([
  ['the broker’s account', BROKER_ACCOUNT],
  ['a spoke', SPOKE_ACCOUNT],
])('in %s: accepts a topic that exists, warns about one that does not (warn)', async (_where, account) => {
  expect((await ask(fnIn(account), topicIn(account, 'orders-topic'))).request.warnings).toEqual([]);
  const { request } = await ask(fnIn(account), topicIn(account, 'orders-gone'));
  expect(request.warnings).toEqual([expect.stringMatching(/^sourceArn: not found: .*orders-gone.*/)]);
});

it.each([
  ['the broker’s account', BROKER_ACCOUNT],
  ['a spoke', SPOKE_ACCOUNT],
])('in %s: refuses a topic that does not exist (require), storing nothing', async (_where, account) => {
  await app.allowlist.put(
    who(ADMIN),
    'a-warn',
    openEntry({
      functions: ['arn:aws:lambda:us-east-1:*:function:order-*'],
      sourceArns: ['arn:aws:sns:us-east-1:*:orders-*'],
      sourceProof: 'require',
    }),
  );
  const before = await stored();
  const refused = await ask(fnIn(account), topicIn(account, 'orders-gone'), false).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(ValidationError);
  expect((refused as ValidationError).details).toEqual([
    {
      path: 'sourceArn',
      message: expect.stringMatching(/^not found: .*orders-gone.*\(the entry requires source proof\)$/),
    },
  ]);
  expect((await ask(fnIn(account), topicIn(account, 'orders-topic'), false)).request.warnings).toEqual([]);
  const after = await stored();
  expect(after).toBe(before + 1);
});

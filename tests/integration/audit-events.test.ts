/**
 * Audit events on EventBridge (docs/audit.md, Delivery), on moto: the audit consumer of the table's stream publishes
 * to the broker's bus; a rule on the bus with an SQS target receives every event of a grant's life in `sequence`
 * order with the documented fields, and each allowlist change with its actor. Publish failures injected for a while
 * (EventBridge down, then refusing entries inside accepted calls) lose nothing and reorder nothing.
 */
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoAuditLog } from '../../adapters/dynamodb/audit-log-store';
import { ensureEventBus } from '../../adapters/eventbridge/ensure-event-bus';
import { SelfDecisionError } from '../../domain/errors';
import type { AuditRecord } from '../../domain/model/audit-record';
import type { App } from '../../handlers/app';
import { allowlistEventDetail, grantEventDetail } from '../../handlers/events/audit-schemas';
import { processAuditRecords } from '../../handlers/events/process-audit';
import { startStreamReader } from '../../local/stream-reader';
import { buildApp } from '../../handlers/app';
import { loadConfig } from '../../handlers/config';
import { approveNow, createFunction, createQueue, motoApp, motoEndpoint, settleNow, testClients } from '../support/aws';
import { FaultProxy, type CallInfo } from '../support/fault-proxy';
import { ADMIN, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../support/fixtures';

jest.setTimeout(60_000);

const TABLE = 'audit-broker';
const BUS = 'audit-broker-bus';
const OTHER_ADMIN = 'arn:aws:iam::123456789012:role/other-admin';

interface Received {
  detailType: string;
  source: string;
  detail: Record<string, unknown>;
  /** When the queue's consumer here saw it (epoch ms). */
  seenAt: number;
}

let proxy: FaultProxy;
let app: App;
let clients: ReturnType<typeof testClients>;
let queueUrl: string;
let reader: { stop(): Promise<void> };
const received: Received[] = [];
const putEvents = (c: CallInfo) => c.operation === 'AWSEvents.PutEvents';

/** Moves what the rule's queue holds into `received`. */
async function drainQueue(): Promise<void> {
  const { Messages = [] } = await clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  for (const m of Messages) {
    const event = JSON.parse(m.Body ?? '{}') as { 'detail-type': string; source: string; detail: Received['detail'] };
    received.push({ detailType: event['detail-type'], source: event.source, detail: event.detail, seenAt: Date.now() });
  }
  if (Messages.length > 0) {
    await clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** Polls the queue until `done` holds (or fails after `ms`). */
async function until(done: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    await drainQueue();
    if (done()) return;
    if (Date.now() > end) throw new Error(`timed out; received ${received.map((r) => r.detailType).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const eventsOf = (requestId: string) => received.filter((r) => r.detail.requestId === requestId);

beforeAll(async () => {
  proxy = new FaultProxy(motoEndpoint());
  await proxy.start();
  ({ app, clients } = await motoApp(TABLE, {
    AWS_ENDPOINT_URL: proxy.url,
    BROKER_EVENT_BUS: BUS,
    BROKER_ADMINS: `${ADMIN},${OTHER_ADMIN}`,
  }));
  await createFunction(clients, 'order-processor');
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
  const events = new EventBridgeClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  await ensureEventBus(events, BUS);
  const queueArn = await createQueue(clients, 'audit-events');
  queueUrl = `${motoEndpoint()}/123456789012/audit-events`;
  await events.send(
    new PutRuleCommand({
      Name: 'all-broker-events',
      EventBusName: BUS,
      EventPattern: JSON.stringify({ source: ['lambda-permission-broker'] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({ Rule: 'all-broker-events', EventBusName: BUS, Targets: [{ Id: 'q', Arn: queueArn }] }),
  );
  reader = startStreamReader({
    dynamo: clients.dynamo,
    streams: new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: motoEndpoint() }),
    db: clients.doc,
    tableName: TABLE,
    holder: 'audit-test',
    consumer: 'audit',
    maxAttempts: Number.POSITIVE_INFINITY,
    errorPauseMs: 100,
    say: () => undefined,
    process: (records) => processAuditRecords(app, records),
  });
}, 60_000);

afterAll(async () => {
  await reader?.stop();
  await proxy?.stop();
});

beforeEach(() => proxy.rules.splice(0));

it('delivers every event of a grant’s life, in sequence order, with the documented fields, each within 5 s', async () => {
  const { request } = await app.createRequest({
    caller: who(REQUESTER),
    ask: { ...baseAsk, ...PRINCIPAL_CASES[2].ask },
    dryRun: false,
    idempotencyKey: null,
  });
  expect((await approveNow(app, request.id)).status).toBe('ACTIVE');
  await app.revokeRequest(who(REQUESTER), request.id, 'done with it');
  const ended = await settleNow(app, request.id);
  expect(ended.status).toBe('REVOKED');
  const writtenAt = Date.parse(ended.updatedAt);
  await until(() => eventsOf(request.id).length >= ended.history.length);

  const events = eventsOf(request.id);
  expect(events.map((e) => e.detail.sequence)).toEqual(ended.history.map((_, i) => i + 1));
  expect(events.map((e) => e.detailType)).toEqual([
    'Grant Requested',
    'Grant Approval',
    'Grant Approved',
    'Grant Activated',
    'Grant Revoke Requested',
    'Grant Revoked',
  ]);
  for (const [i, e] of events.entries()) {
    expect(e.source).toBe('lambda-permission-broker');
    expect(grantEventDetail.safeParse(e.detail).error).toBeUndefined();
    expect(e.detail).toMatchObject({
      requestId: request.id,
      event: ended.history[i]?.event,
      actor: ended.history[i]?.actor,
      at: ended.history[i]?.at,
      functionArn: ended.functionArn,
      principal: 'sns.amazonaws.com',
      statementId: ended.statementId,
      statementHash: ended.statementHash,
      allowlistEntryId: 'orders',
    });
  }
  // The last write (REVOKED) reached the queue within 5 s of being stored.
  expect((events.at(-1)?.seenAt ?? Infinity) - writtenAt).toBeLessThan(5_000);
});

it('delivers each allowlist change with its actor, version, before and after', async () => {
  await app.allowlist.put(who(ADMIN), 'billing', openEntry());
  await app.allowlist.put(who(OTHER_ADMIN), 'billing', openEntry({ maxDurationSeconds: 600 }));
  await app.allowlist.delete(who(ADMIN), 'billing');
  const billing = () => received.filter((r) => r.detail.entryId === 'billing');
  await until(() => billing().length >= 3);
  expect(billing().map((e) => [e.detailType, e.detail.version, e.detail.actor])).toEqual([
    ['Allowlist Entry Changed', 1, ADMIN],
    ['Allowlist Entry Changed', 2, OTHER_ADMIN],
    ['Allowlist Entry Deleted', 3, ADMIN],
  ]);
  for (const e of billing()) expect(allowlistEventDetail.safeParse(e.detail).error).toBeUndefined();
  expect(billing()[1]?.detail).toMatchObject({
    before: { version: 1, maxDurationSeconds: 86400 },
    after: { version: 2, maxDurationSeconds: 600, updatedBy: OTHER_ADMIN },
  });
});

it('loses nothing and reorders nothing while EventBridge fails for a while', async () => {
  // EventBridge down (every attempt of the SDK's retries), then refusing every entry of calls it accepts.
  const down = proxy.add({
    match: putEvents,
    times: 12,
    mode: 'error',
    status: 500,
    headers: { 'x-amzn-errortype': 'InternalException' },
    body: { __type: 'InternalException', message: 'internal failure' },
  });
  const refusing = proxy.add({
    match: putEvents,
    times: 6,
    mode: 'error',
    status: 200,
    body: {
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
    },
  });
  const requests = [];
  for (let i = 0; i < 3; i++) {
    const { request } = await app.createRequest({
      caller: who(REQUESTER),
      ask: { ...baseAsk, ...PRINCIPAL_CASES[2].ask },
      dryRun: false,
      idempotencyKey: null,
    });
    requests.push(request);
  }
  await approveNow(app, requests[0]?.id ?? '');
  await app.allowlist.put(who(OTHER_ADMIN), 'orders', openEntry({ maxDurationSeconds: 7200 }));
  const stored = await Promise.all(requests.map((r) => app.getRequest(who(ADMIN), r.id)));
  await until(
    () =>
      stored.every((r) => eventsOf(r.id).length >= r.history.length) &&
      received.some((e) => e.detail.entryId === 'orders' && e.detail.actor === OTHER_ADMIN),
    30_000,
  );
  expect(down.hits).toBe(12);
  expect(refusing.hits).toBe(6);
  for (const r of stored) {
    // Delivered at least once: repeats (a batch sent again) carry the same sequence; none is missing or out of order.
    const sequences = eventsOf(r.id).map((e) => e.detail.sequence as number);
    expect([...new Set(sequences)]).toEqual(r.history.map((_, i) => i + 1));
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
  }
});

it('keeps the trail readable across requests in time order, a page at a time, by day', async () => {
  const first = await app.readAudit({
    caller: who(ADMIN),
    since: null,
    until: null,
    functionName: 'order-processor',
    requester: null,
    limit: 1000,
    nextToken: null,
  });
  expect(first.items.length).toBeGreaterThan(6);
  const positions = first.items.map((r) => `${r.at}#${r.requestId}#${String(r.sequence).padStart(6, '0')}`);
  expect([...positions].sort()).toEqual(positions);
  const paged = [];
  let nextToken: string | null = null;
  do {
    const page: Awaited<ReturnType<App['readAudit']>> = await app.readAudit({
      caller: who(ADMIN),
      since: null,
      until: null,
      functionName: 'order-processor',
      requester: null,
      limit: 4,
      nextToken,
    });
    paged.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken !== null);
  expect(paged).toEqual(first.items);
});

it('reads a window that spans days from each day’s partition, in order', async () => {
  const log = new DynamoAuditLog(clients.doc, TABLE);
  const record = (at: string, requestId: string, sequence: number) => ({
    ...(grantEventDetail.parse({
      requestId,
      event: 'CREATED',
      actor: REQUESTER,
      at,
      status: 'PENDING',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:old',
      qualifier: null,
      principal: null,
      sourceArn: null,
      eventSourceArn: null,
      statementId: 'lpb-x',
      statementHash: 'h',
      allowlistEntryId: null,
      sequence,
      detail: {},
    }) as AuditRecord),
    requester: REQUESTER,
    requesterPerson: REQUESTER,
  });
  const written = [
    record('2026-01-30T23:59:59.000Z', 'a', 1),
    record('2026-01-31T00:00:00.000Z', 'b', 1),
    record('2026-02-01T12:00:00.000Z', 'a', 2),
    record('2026-02-03T00:00:00.000Z', 'c', 1),
  ];
  await log.record([...written].reverse());
  await log.record(written.slice(0, 1));
  const read = async (since: string, until: string, limit: number, after: string | null = null) =>
    log.page({ since, until, after, limit, keep: () => true, maxReads: 1000 });
  const all = await read('2026-01-30T00:00:00.000Z', '2026-02-04T00:00:00.000Z', 10);
  expect(all).toEqual({ items: written, next: null });
  const firstTwo = await read('2026-01-30T00:00:00.000Z', '2026-02-04T00:00:00.000Z', 2);
  expect(firstTwo.items).toEqual(written.slice(0, 2));
  const rest = await read('2026-01-30T00:00:00.000Z', '2026-02-04T00:00:00.000Z', 10, firstTwo.next);
  expect(rest).toEqual({ items: written.slice(2), next: null });
  expect((await read('2026-01-31T00:00:00.000Z', '2026-02-03T00:00:00.000Z', 10)).items).toEqual(written.slice(1, 3));
});

it('under the two-person rule, stores proposals, applies one only on another admin’s approval, and publishes each step', async () => {
  const ruled = await buildApp(
    loadConfig({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: motoEndpoint(),
      BROKER_TABLE_NAME: TABLE,
      BROKER_ADMINS: `${ADMIN},${OTHER_ADMIN}`,
      BROKER_EVENT_BUS: BUS,
      BROKER_ALLOWLIST_CHANGE_APPROVALS: '1',
    }),
  );
  const proposed = await ruled.allowlistChanges.propose(who(ADMIN), 'proposed', openEntry(), 'absent');
  expect(await ruled.allowlist.get(who(ADMIN), 'proposed').catch((e: Error) => e.name)).toBe('NotFoundError');
  expect((await ruled.allowlistChanges.list(who(OTHER_ADMIN), 'PENDING')).map((c) => c.id)).toEqual([proposed.id]);
  await expect(ruled.allowlistChanges.approve(who(ADMIN), proposed.id, null)).rejects.toThrow(SelfDecisionError);
  const approved = await ruled.allowlistChanges.approve(who(OTHER_ADMIN), proposed.id, 'ok');
  expect(approved).toMatchObject({ status: 'APPROVED', decidedBy: OTHER_ADMIN });
  await expect(ruled.allowlistChanges.approve(who(OTHER_ADMIN), proposed.id, null)).rejects.toThrow(/only a PENDING/);
  expect(await ruled.allowlist.get(who(ADMIN), 'proposed')).toMatchObject({ version: 1, updatedBy: ADMIN });
  const ofProposal = () => received.filter((r) => r.detail.entryId === 'proposed').map((r) => r.detailType);
  await until(() => ofProposal().length >= 3);
  expect(ofProposal()).toEqual(['Allowlist Change Proposed', 'Allowlist Entry Changed', 'Allowlist Change Approved']);
});

it('makes the bus once however many runners start at once', async () => {
  const events = new EventBridgeClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  const name = `racing-bus-${Date.now()}`;
  const arns = await Promise.all([1, 2, 3, 4].map(() => ensureEventBus(events, name)));
  expect(new Set(arns).size).toBe(1);
  expect(arns[0]).toMatch(new RegExp(`:event-bus/${name}$`));
});

import type { Identity } from '../../../domain/rulebook/identity';
import { AllowlistDeniedError, IdempotencyKeyReusedError, ValidationError } from '../../../domain/errors';
import type { GrantAsk } from '../../../domain/model/grant-ask';
import { NOT_COVERED } from '../../../domain/rulebook/choose-entry';
import {
  ADMIN,
  PRINCIPAL_CASES,
  REQUESTER,
  STRANGER,
  baseAsk,
  openEntry,
  orgWideEntry,
  who,
} from '../../support/fixtures';
import { inMemoryApp } from '../../support/in-memory-app';

const requester: Identity = { ...who(REQUESTER), session: 'build-7' };

async function setup() {
  const ctx = inMemoryApp();
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  await ctx.app.allowlist.put(who(ADMIN), 'org-wide', orgWideEntry());
  const create = (ask: Partial<GrantAsk>, options: { dryRun?: boolean; key?: string | null; caller?: Identity } = {}) =>
    ctx.app.createRequest({
      caller: options.caller ?? requester,
      ask: { ...baseAsk, ...ask },
      dryRun: options.dryRun ?? false,
      idempotencyKey: options.key ?? null,
    });
  return { ...ctx, create };
}

describe('create request', () => {
  it.each(PRINCIPAL_CASES.map((c) => [c.name, c] as const))('stores a PENDING request for %s', async (_name, c) => {
    const { create, store } = await setup();
    const { request } = await create(c.ask);
    expect(request).toMatchObject({
      status: 'PENDING',
      kind: 'invoke',
      requester: REQUESTER,
      requesterSession: 'build-7',
      requiredApprovals: 1,
      statementId: `lpb-${request.id}`,
      statement: { Sid: `lpb-${request.id}`, Principal: c.principal },
    });
    expect(request.history).toEqual([
      { at: '2026-11-26T12:00:00.000Z', event: 'CREATED', actor: REQUESTER, detail: expect.any(Object) as unknown },
    ]);
    expect(store.requests.get(request.id)).toEqual(request);
  });

  it('stores nothing for a dry run', async () => {
    const { create, store } = await setup();
    const { request } = await create(PRINCIPAL_CASES[2].ask, { dryRun: true, key: 'k1' });
    expect(request.status).toBe('PENDING');
    expect(store.requests.size).toBe(0);
    expect(store.claims.size).toBe(0);
  });

  it('returns the original request for a repeated Idempotency-Key and body', async () => {
    const { create, store } = await setup();
    const first = await create(PRINCIPAL_CASES[2].ask, { key: 'deploy-42' });
    const second = await create(PRINCIPAL_CASES[2].ask, { key: 'deploy-42' });
    expect(second).toEqual({ request: first.request, replayed: true });
    expect(store.requests.size).toBe(1);
  });

  it('refuses a repeated Idempotency-Key with another body', async () => {
    const { create, store } = await setup();
    await create(PRINCIPAL_CASES[2].ask, { key: 'deploy-42' });
    await expect(create({ ...PRINCIPAL_CASES[2].ask, durationSeconds: 600 }, { key: 'deploy-42' })).rejects.toThrow(
      IdempotencyKeyReusedError,
    );
    expect(store.requests.size).toBe(1);
  });

  it('scopes an Idempotency-Key to its caller and lets it lapse after 24 hours', async () => {
    const { create, store, clock } = await setup();
    const other = who('arn:aws:iam::123456789012:role/orders-other');
    const a = await create(PRINCIPAL_CASES[2].ask, { key: 'k' });
    const b = await create(PRINCIPAL_CASES[2].ask, { key: 'k', caller: other });
    expect(b.request.id).not.toBe(a.request.id);
    clock.advance(24 * 3600);
    const c = await create(PRINCIPAL_CASES[2].ask, { key: 'k' });
    expect(c.replayed).toBe(false);
    expect(store.requests.size).toBe(3);
  });

  it('denies what no entry allows, naming the condition, and stores nothing', async () => {
    const { create, store } = await setup();
    await expect(create(PRINCIPAL_CASES[2].ask, { caller: who(STRANGER) })).rejects.toMatchObject({
      constructor: AllowlistDeniedError,
      details: [{ path: 'functionName', message: NOT_COVERED }],
    });
    expect(store.requests.size).toBe(0);
  });

  it('refuses durations under the minimum', async () => {
    const { create } = await setup();
    await expect(create({ ...PRINCIPAL_CASES[2].ask, durationSeconds: 299 })).rejects.toMatchObject({
      constructor: ValidationError,
      details: [{ path: 'durationSeconds' }],
    });
  });

  it('refuses a function, version or alias that does not exist', async () => {
    const { create } = await setup();
    await expect(create({ ...PRINCIPAL_CASES[2].ask, functionName: 'order-missing' })).rejects.toMatchObject({
      details: [{ path: 'functionName' }],
    });
    await expect(create({ ...PRINCIPAL_CASES[2].ask, qualifier: 'blue' })).rejects.toMatchObject({
      details: [{ path: 'qualifier' }],
    });
  });

  it('checks the allowlist before asking Lambda, so unlisted functions cannot be probed', async () => {
    const { create, functions } = await setup();
    await expect(create({ ...PRINCIPAL_CASES[2].ask, functionName: 'billing' })).rejects.toThrow(AllowlistDeniedError);
    expect(functions.calls).toEqual([]);
  });

  it('qualifies the statement resource for a version or alias', async () => {
    const { create } = await setup();
    const { request } = await create({ ...PRINCIPAL_CASES[2].ask, functionName: 'order-processor:live' });
    expect(request.qualifier).toBe('live');
    expect((request.statement as { Resource: string }).Resource).toMatch(/:function:order-processor:live$/);
  });

  it('builds an execution-role statement for an SQS event source', async () => {
    const { create } = await setup();
    const queue = 'arn:aws:sqs:us-east-1:123456789012:order-queue';
    const { request } = await create({ eventSourceArn: queue, batchSize: 5 });
    expect(request).toMatchObject({ kind: 'eventSourceMapping', principal: null, eventSourceArn: queue, batchSize: 5 });
    expect(request.statement).toMatchObject({
      Effect: 'Allow',
      Resource: queue,
      Action: expect.arrayContaining(['sqs:ReceiveMessage']) as unknown,
    });
  });
});

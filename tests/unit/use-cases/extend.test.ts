/**
 * Extension without interruption (docs/api.md, `POST /v1/requests/{id}/extend`), through the in-memory pipeline: the
 * grant's end moves at the extension's quorum with no Lambda call, the expiry timer follows the new end, and every
 * refusal of the contract.
 */
import {
  AllowlistDeniedError,
  ExtensionLimitError,
  ExtensionPendingError,
  GrantEndingError,
  NotFoundError,
  NotRequesterError,
  UnavailableError,
  ValidationError,
  WrongStatusError,
} from '../../../domain/errors';
import type { GrantRequest } from '../../../domain/model/request';
import { note } from '../../../domain/state-machine';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, STRANGER, fnArn, openEntry, who } from '../../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext, newRequest } from '../../support/in-memory-app';
import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';

const FN = fnArn('order-processor');

async function setup(entry = openEntry()) {
  const ctx = inMemoryApp();
  await ctx.app.allowlist.put(who(ADMIN), 'orders', entry);
  const approve = async (id: string, approver = APPROVER) => {
    await ctx.app.decide.approve({ approver: who(approver), id, comment: null });
    await ctx.drain();
    return (await ctx.store.get(id)) as GrantRequest;
  };
  /** An ACTIVE grant of one hour, from 12:00 to 13:00. */
  const activeGrant = async () => {
    const grant = await approve((await newRequest(ctx.app, PRINCIPAL_CASES[2].ask)).id);
    expect(grant).toMatchObject({ status: 'ACTIVE', expiresAt: '2026-11-26T13:00:00.000Z' });
    return grant;
  };
  const extend = (id: string, durationSeconds = 1800, caller = REQUESTER) =>
    ctx.app.extendRequest({
      caller: who(caller),
      id,
      durationSeconds,
      reason: 'the release runs late tonight',
      ticket: 'OPS-7',
    });
  return { ...ctx, approve, activeGrant, extend };
}

describe('extending an ACTIVE grant', () => {
  it('moves the end by exactly n at the quorum, with no Lambda call, and the expiry timer follows the new end', async () => {
    const { activeGrant, extend, approve, advance, store, policies } = await setup();
    const grant = await activeGrant();
    await advance(1800);
    const extension = await extend(grant.id, 1800);
    expect(extension).toMatchObject({
      status: 'PENDING',
      extends: grant.id,
      extensions: [],
      requester: REQUESTER,
      durationSeconds: 1800,
      reason: 'the release runs late tonight',
      ticket: 'OPS-7',
      functionArn: grant.functionArn,
      qualifier: grant.qualifier,
      principal: grant.principal,
      sourceArn: grant.sourceArn,
      statementId: grant.statementId,
      statement: grant.statement,
      statementHash: grant.statementHash,
      expiresAt: null,
    });
    expect((await store.get(grant.id))?.extensions).toEqual([extension.id]);

    const callsBefore = policies.calls.length;
    const extended = await approve(extension.id);
    expect(extended).toMatchObject({ status: 'EXTENDED', endedAt: '2026-11-26T12:30:00.000Z' });
    const moved = (await store.get(grant.id)) as GrantRequest;
    expect(moved).toMatchObject({ status: 'ACTIVE', expiresAt: '2026-11-26T13:30:00.000Z' });
    expect(moved.history.at(-1)).toEqual({
      at: '2026-11-26T12:30:00.000Z',
      event: 'EXTENDED',
      actor: APPROVER,
      detail: {
        extensionId: extension.id,
        previousExpiresAt: '2026-11-26T13:00:00.000Z',
        expiresAt: '2026-11-26T13:30:00.000Z',
      },
    });
    expect(extended.history.map((e) => e.event)).toEqual(['CREATED', 'APPROVAL', 'APPROVED', 'EXTENDED']);
    // The permission never left the policy: no Lambda call at all for the extension.
    expect(policies.calls.slice(callsBefore)).toEqual([]);

    await advance(1801); // past the old end
    expect(policies.statements(FN)).toEqual([grant.statement]);
    expect((await store.get(grant.id))?.status).toBe('ACTIVE');
    await advance(1799); // the new end
    expect(policies.statements(FN)).toEqual([]);
    expect(await store.get(grant.id)).toMatchObject({ status: 'EXPIRED', endedAt: '2026-11-26T13:30:00.000Z' });
  });

  it('answers 201 over HTTP, final at once when its entry auto-approves', async () => {
    const { activeGrant, app, store } = await setup();
    const grant = await activeGrant();
    await app.allowlist.put(who(ADMIN), 'auto', openEntry({ autoApprove: true, requiredApprovals: 0, approvers: [] }));
    const handler = apiHandler(OPERATIONS_BY_FUNCTION.decisions, () => Promise.resolve(app));
    const post = async (body: unknown) => {
      const event = apiEvent('POST', '/v1/requests/{id}/extend', {
        pathParameters: { id: grant.id },
        headers: { 'X-Broker-Principal': REQUESTER },
        body,
      });
      const res = await handler(event, lambdaContext);
      return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, any> };
    };
    const refused = await post({ durationSeconds: 600, reason: 'the release runs late', ticket: 'OPS-7', extra: 1 });
    expect(refused).toMatchObject({ status: 400, body: { error: { details: [{ path: 'extra' }] } } });
    expect((await post({ durationSeconds: 600 })).body.error.details).toEqual([
      { path: 'reason', message: expect.any(String) as unknown },
    ]);
    expect((await store.get(grant.id))?.extensions).toEqual([]);
    const created = await post({ durationSeconds: 600, reason: 'the release runs late' });
    expect(created).toMatchObject({
      status: 201,
      body: { status: 'EXTENDED', extends: grant.id, extensions: [], allowlistEntryId: 'auto', ticket: null },
    });
    expect(await store.get(grant.id)).toMatchObject({
      expiresAt: '2026-11-26T13:10:00.000Z',
      extensions: [created.body.id],
    });
  });

  it('takes the allowlist as it is now: the entry that permits it, its limits and its approvals', async () => {
    const { activeGrant, extend, app, drain, store } = await setup();
    const grant = await activeGrant();
    await app.allowlist.put(who(ADMIN), 'orders', openEntry({ maxDurationSeconds: 900 }));
    await expect(extend(grant.id, 1800)).rejects.toThrow(AllowlistDeniedError);
    await app.allowlist.put(who(ADMIN), 'orders', openEntry({ requesters: ['arn:aws:iam::123456789012:role/nobody'] }));
    await expect(extend(grant.id, 600)).rejects.toThrow(AllowlistDeniedError);
    await app.allowlist.put(
      who(ADMIN),
      'orders',
      openEntry({ autoApprove: true, requiredApprovals: 0, approvers: [] }),
    );
    const extension = await extend(grant.id, 600);
    expect(extension.status).toBe('APPROVED');
    await drain();
    expect((await store.get(extension.id))?.status).toBe('EXTENDED');
    expect((await store.get(grant.id))?.expiresAt).toBe('2026-11-26T13:10:00.000Z');
  });

  it('is for the requester only; who may not see the grant is told it does not exist', async () => {
    const { activeGrant, extend } = await setup();
    const grant = await activeGrant();
    await expect(extend(grant.id, 1800, APPROVER)).rejects.toThrow(NotRequesterError);
    await expect(extend(grant.id, 1800, STRANGER)).rejects.toThrow(NotFoundError);
    await expect(extend('00000000-0000-4000-8000-999999999999')).rejects.toThrow(NotFoundError);
  });

  it('refuses (409) a grant that is not ACTIVE, being revoked, or already waiting on an extension', async () => {
    const { activeGrant, extend, app, policies } = await setup();
    const pending = await newRequest(app);
    await expect(extend(pending.id)).rejects.toThrow(WrongStatusError);
    const grant = await activeGrant();
    const first = await extend(grant.id);
    await expect(extend(grant.id)).rejects.toThrow(ExtensionPendingError);
    // The waiting extension is decided: another may be asked for.
    await app.decide.reject({ approver: who(APPROVER), id: first.id, comment: null });
    expect((await extend(grant.id)).status).toBe('PENDING');

    const revoking = await activeGrant();
    policies.failures.remove = [new UnavailableError('throttled')];
    await app.revokeRequest(who(REQUESTER), revoking.id, null);
    await expect(extend(revoking.id)).rejects.toThrow(GrantEndingError);
  });

  it('refuses (409) a grant already extended maxExtensions times, and durations below the minimum (400)', async () => {
    const { activeGrant, extend, approve } = await setup(openEntry({ maxExtensions: 1 }));
    const grant = await activeGrant();
    await expect(extend(grant.id, 60)).rejects.toThrow(ValidationError);
    expect((await approve((await extend(grant.id)).id)).status).toBe('EXTENDED');
    await expect(extend(grant.id)).rejects.toThrow(ExtensionLimitError);
  });

  it('fails an extension approved after the grant ended, with the reason', async () => {
    const { activeGrant, extend, approve, advance, store } = await setup();
    const grant = await activeGrant();
    const extension = await extend(grant.id);
    await advance(3600);
    expect((await store.get(grant.id))?.status).toBe('EXPIRED');
    const failed = await approve(extension.id);
    expect(failed).toMatchObject({
      status: 'FAILED',
      failure: { reason: 'not extended: the grant it extends is EXPIRED' },
    });
    expect((await store.get(grant.id))?.expiresAt).toBe('2026-11-26T13:00:00.000Z');
  });

  it('fails an extension approved while the grant is being revoked', async () => {
    const { activeGrant, extend, approve, app, policies, store } = await setup();
    const grant = await activeGrant();
    const extension = await extend(grant.id);
    policies.failures.remove = [new UnavailableError('throttled')];
    await app.revokeRequest(who(REQUESTER), grant.id, 'done early');
    const failed = await approve(extension.id);
    expect(failed.failure?.reason).toBe('not extended: the grant it extends is being revoked');
    expect((await store.get(grant.id))?.history.filter((e) => e.event === 'EXTENDED')).toEqual([]);
  });

  it('is finished by a later run when it stopped between its two writes, and never extends twice', async () => {
    const { activeGrant, extend, app, store, clock } = await setup();
    const grant = await activeGrant();
    const extension = await extend(grant.id);
    await app.decide.approve({ approver: who(APPROVER), id: extension.id, comment: null });
    // As if a worker moved the grant's end, then stopped before recording the extension.
    const current = (await store.get(grant.id)) as GrantRequest;
    const detail = {
      extensionId: extension.id,
      previousExpiresAt: '2026-11-26T13:00:00.000Z',
      expiresAt: '2026-11-26T13:30:00.000Z',
    };
    await store.update(
      current,
      note(current, 'EXTENDED', { at: clock.now(), actor: APPROVER, detail, patch: { expiresAt: detail.expiresAt } }),
    );
    const swept = await app.sweep();
    expect(swept.extended).toBe(1);
    expect(await store.get(extension.id)).toMatchObject({
      status: 'EXTENDED',
      history: expect.arrayContaining([
        expect.objectContaining({
          event: 'EXTENDED',
          detail: { extends: grant.id, previousExpiresAt: detail.previousExpiresAt, expiresAt: detail.expiresAt },
        }),
      ]) as unknown,
    });
    const after = (await store.get(grant.id)) as GrantRequest;
    expect(after.expiresAt).toBe('2026-11-26T13:30:00.000Z');
    expect(after.history.filter((e) => e.event === 'EXTENDED')).toHaveLength(1);
  });

  it('waits while the grant itself is being settled, instead of moving its end under it', async () => {
    const { activeGrant, extend, app, leases, store } = await setup();
    const grant = await activeGrant();
    const extension = await extend(grant.id);
    await app.decide.approve({ approver: who(APPROVER), id: extension.id, comment: null });
    await leases.acquire(grant.id, 'another-worker', new Date('2026-11-26T12:01:00.000Z'));
    const outcome = await app.settle.settleWithin(extension.id, 1000);
    expect(outcome).toMatchObject({ kind: 'retry', busy: false, reason: 'the grant it extends is being settled' });
    expect((await store.get(grant.id))?.expiresAt).toBe('2026-11-26T13:00:00.000Z');
    await leases.release(grant.id, 'another-worker');
    expect((await app.settle.settleWithin(extension.id, 1000)).request?.status).toBe('EXTENDED');
  });
});

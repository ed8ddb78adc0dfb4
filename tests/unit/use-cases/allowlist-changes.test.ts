/**
 * Allowlist changes reach live grants (docs/api.md, One rulebook), through the in-memory pipeline: a put or delete
 * re-matches the entry's live requests behind the answer; the impact preview shows the same outcome and changes
 * nothing.
 */
import {
  NotAdminError,
  NotFoundError,
  RoleNotReadyError,
  UnavailableError,
  ValidationError,
} from '../../../domain/errors';
import type { RecheckWork } from '../../../domain/events/follow-ups';
import type { GrantRequest } from '../../../domain/model/request';
import { RECHECK_PAGE } from '../../../domain/use-cases/recheck-allowlist';
import {
  ADMIN,
  APPROVER,
  OTHER_ACCOUNT,
  PRINCIPAL_CASES,
  REQUESTER,
  fnArn,
  openEntry,
  who,
} from '../../support/fixtures';
import { inMemoryApp, newRequest } from '../../support/in-memory-app';

const FN = fnArn('order-processor');
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:order-queue';
const EXEC_ROLE = 'arn:aws:iam::123456789012:role/exec';
const SNS = PRINCIPAL_CASES[2].ask;
const EVENTS = PRINCIPAL_CASES[3].ask;
const S3 = PRINCIPAL_CASES[1].ask;
/** `orders` narrowed to account principals only: SNS, EventBridge, S3 and queues are out. */
const NARROWED = openEntry({ principals: [OTHER_ACCOUNT], eventSourceArns: [] });

async function setup() {
  const ctx = inMemoryApp();
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  // A second entry that permits EventBridge rules only.
  await ctx.app.allowlist.put(
    who(ADMIN),
    'rules',
    openEntry({ principals: ['events.amazonaws.com'], eventSourceArns: [] }),
  );
  await ctx.drain();
  const approve = async (id: string) => {
    await ctx.app.decide.approve({ approver: who(APPROVER), id, comment: null });
    await ctx.drain();
    return (await ctx.store.get(id)) as GrantRequest;
  };
  const requests = {
    sns: await approve((await newRequest(ctx.app, SNS)).id),
    events: await approve((await newRequest(ctx.app, EVENTS)).id),
    account: await approve((await newRequest(ctx.app, PRINCIPAL_CASES[5].ask)).id),
    mapping: await approve((await newRequest(ctx.app, { eventSourceArn: QUEUE })).id),
    pending: await newRequest(ctx.app, SNS),
  };
  // Decided, applying stuck: Lambda throttled for an invoke grant; IAM still propagating for a mapping grant.
  const stuck = await newRequest(ctx.app, S3);
  ctx.policies.failures.read = [new UnavailableError('throttled')];
  const approvedInvoke = await approve(stuck.id);
  ctx.mappings.failures.create = [new RoleNotReadyError()];
  const approvedMapping = await approve(
    (await newRequest(ctx.app, { eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:order-queue-2' })).id,
  );
  const all = { ...requests, approvedInvoke, approvedMapping };
  return { ...ctx, approve, ...all };
}

const byId = (ids: string[]) => [...ids].sort();

describe('allowlist changes reach live grants (docs/api.md, One rulebook)', () => {
  it('narrowing an entry ends what it no longer permits, moves what another entry permits, rejects pending asks', async () => {
    const ctx = await setup();
    const { app, store, policies, mappings, roles } = ctx;
    expect(ctx.sns.status).toBe('ACTIVE');
    expect(ctx.approvedInvoke.status).toBe('APPROVED');
    expect(ctx.approvedMapping.status).toBe('APPROVED');
    expect([...roles.policies(EXEC_ROLE).keys()]).toContain(ctx.approvedMapping.statementId);

    const preview = await app.allowlistImpact(who(ADMIN), 'orders', NARROWED);
    // The answer to the PUT does not wait: nothing has changed yet.
    const put = await app.allowlist.put(who(ADMIN), 'orders', NARROWED);
    expect(put.id).toBe('orders');
    expect((await store.get(ctx.sns.id))?.status).toBe('ACTIVE');
    await ctx.drain();

    const after = async (r: GrantRequest) => (await store.get(r.id)) as GrantRequest;
    expect(await after(ctx.account)).toMatchObject({ status: 'ACTIVE', allowlistEntryId: 'orders' });
    const moved = await after(ctx.events);
    expect(moved).toMatchObject({ status: 'ACTIVE', allowlistEntryId: 'rules' });
    expect(moved.history.at(-1)).toMatchObject({
      event: 'REMATCHED',
      actor: 'allowlist',
      detail: { from: 'orders', to: 'rules' },
    });
    const rejected = await after(ctx.pending);
    expect(rejected).toMatchObject({ status: 'REJECTED' });
    expect(rejected.history.at(-1)).toMatchObject({
      event: 'REJECTED',
      actor: 'allowlist',
      detail: {
        reason:
          'allowlist entry orders was changed and no entry permits this request: principal sns.amazonaws.com is not allowed by entry orders (principal)',
      },
    });
    for (const r of [ctx.sns, ctx.mapping, ctx.approvedInvoke, ctx.approvedMapping]) {
      const ended = await after(r);
      expect({ id: r.id, status: ended.status }).toEqual({ id: r.id, status: 'REVOKED' });
      expect(ended.history.slice(-2).map((e) => [e.event, e.actor])).toEqual([
        ['REVOKE_REQUESTED', 'allowlist'],
        ['REVOKED', 'allowlist'],
      ]);
      expect(String(ended.history.at(-1)?.detail.reason)).toMatch(/^allowlist entry orders was changed/);
    }
    // Permissions gone, as fast as an expiry (the queued work, no sweep): only the account grant is left.
    expect(
      policies
        .statements(FN)
        .map((s) => s.Sid)
        .sort(),
    ).toEqual([ctx.account.statementId, ctx.events.statementId].sort());
    expect(mappings.mappings.size).toBe(0);
    expect(roles.policies(EXEC_ROLE).size).toBe(0);

    // The preview said exactly this.
    expect(byId(preview.kept)).toEqual([ctx.account.id]);
    expect(preview.rematched).toEqual([{ id: ctx.events.id, entryId: 'rules' }]);
    expect(preview.ended.map((e) => [e.id, e.status]).sort()).toEqual(
      [
        [ctx.sns.id, 'REVOKED'],
        [ctx.mapping.id, 'REVOKED'],
        [ctx.approvedInvoke.id, 'REVOKED'],
        [ctx.approvedMapping.id, 'REVOKED'],
        [ctx.pending.id, 'REJECTED'],
      ].sort(),
    );
  });

  it('a delete is a change to nothing: everything another entry does not permit ends', async () => {
    const ctx = await setup();
    const preview = await ctx.app.allowlistImpact(who(ADMIN), 'orders', null);
    await ctx.app.allowlist.delete(who(ADMIN), 'orders');
    await ctx.drain();
    expect(preview.rematched).toEqual([{ id: ctx.events.id, entryId: 'rules' }]);
    expect(preview.kept).toEqual([]);
    for (const ended of preview.ended) {
      expect(ended.reason).toMatch(/^allowlist entry orders was deleted and no entry permits this request: /);
      expect((await ctx.store.get(ended.id))?.status).toBe(ended.status);
    }
    expect(preview.ended).toHaveLength(6);
    expect((await ctx.store.get(ctx.events.id))?.allowlistEntryId).toBe('rules');
  });

  it('previews change nothing, are for admins, and refuse what a put or delete would', async () => {
    const ctx = await setup();
    const snapshot = () =>
      JSON.stringify([[...ctx.store.requests], [...ctx.allowlist.entries], ctx.scheduler.scheduled]);
    const before = snapshot();
    const changesBefore = ctx.store.changes.length;
    await ctx.app.allowlistImpact(who(ADMIN), 'orders', NARROWED);
    await ctx.app.allowlistImpact(who(ADMIN), 'orders', null);
    expect(snapshot()).toBe(before);
    expect(ctx.store.changes).toHaveLength(changesBefore);
    await expect(ctx.app.allowlistImpact(who(APPROVER), 'orders', null)).rejects.toThrow(NotAdminError);
    await expect(ctx.app.allowlistImpact(who(ADMIN), 'missing', null)).rejects.toThrow(NotFoundError);
    await expect(ctx.app.allowlistImpact(who(ADMIN), 'orders', { ...NARROWED, approvers: [] })).rejects.toThrow(
      ValidationError,
    );
    // A new entry has no requests yet.
    expect(await ctx.app.allowlistImpact(who(ADMIN), 'new-entry', NARROWED)).toEqual({
      kept: [],
      rematched: [],
      ended: [],
    });
  });

  it('ends extensions without touching the grant they extend', async () => {
    const ctx = await setup();
    const extend = (id: string, durationSeconds: number) =>
      ctx.app.extendRequest({
        caller: who(REQUESTER),
        id,
        durationSeconds,
        reason: 'the release runs late',
        ticket: null,
      });
    const pendingExtension = await extend(ctx.account.id, 600);
    // Longer than `orders` allows: only this entry permits it, and it auto-approves.
    await ctx.app.allowlist.put(
      who(ADMIN),
      'auto-long',
      openEntry({ autoApprove: true, requiredApprovals: 0, approvers: [], maxDurationSeconds: 30 * 86400 }),
    );
    await ctx.drain();
    // Approved, and stuck behind the grant's lease, as if its timer were settling it.
    await ctx.leases.acquire(ctx.sns.id, 'someone', new Date('2026-11-26T12:10:00.000Z'));
    const approvedExtension = await extend(ctx.sns.id, 2 * 86400);
    expect(approvedExtension).toMatchObject({ status: 'APPROVED', allowlistEntryId: 'auto-long' });
    await ctx.drain();
    await ctx.leases.release(ctx.sns.id, 'someone');

    const calls = ctx.policies.calls.length;
    await ctx.app.allowlist.delete(who(ADMIN), 'auto-long');
    await ctx.app.allowlist.put(
      who(ADMIN),
      'orders',
      openEntry({ principals: ['sns.amazonaws.com'], eventSourceArns: [] }),
    );
    await ctx.drain();
    const ended = (await ctx.store.get(approvedExtension.id)) as GrantRequest;
    expect(ended.status).toBe('REVOKED');
    expect(ended.history.at(-1)).toMatchObject({
      event: 'REVOKED',
      actor: 'allowlist',
      // Judged as the grant's remaining day plus the two days it would add, against orders' one day.
      detail: {
        reason: expect.stringMatching(
          /the grant would stand \d+s from now, longer than entry orders permits \(at most 86400s\) \(durationSeconds\)$/,
        ) as unknown,
      },
    });
    expect((await ctx.store.get(pendingExtension.id))?.status).toBe('REJECTED');
    // The sns grant is still permitted, untouched and unextended; the account grant ended on its own merits.
    expect(await ctx.store.get(ctx.sns.id)).toMatchObject({ status: 'ACTIVE', expiresAt: ctx.sns.expiresAt });
    expect((await ctx.store.get(ctx.account.id))?.status).toBe('REVOKED');
    expect(
      ctx.policies
        .statements(FN)
        .map((s) => s.Sid)
        .sort(),
    ).toEqual([ctx.sns.statementId, ctx.events.statementId].sort());
    // Two removals: the account grant and the approved S3 grant; none for the extension, which owns no statement.
    expect(ctx.policies.calls.slice(calls).filter((c) => c === 'remove')).toHaveLength(2);
  });

  it('works through an entry with many requests in pages, resuming where each run stopped', async () => {
    const ctx = inMemoryApp({ BROKER_MAX_PENDING_PER_REQUESTER: '1000' });
    await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
    await ctx.drain();
    const count = RECHECK_PAGE * 2 + 50;
    for (let i = 0; i < count; i++) {
      ctx.clock.advance(1);
      await newRequest(ctx.app, SNS);
    }
    await ctx.drain();
    await ctx.app.allowlist.put(who(ADMIN), 'orders', NARROWED);
    // Run the pipeline by hand: the entry's stream record, then one work item at a time.
    await ctx.app.dispatchEntryChange('orders', 'by-hand');
    ctx.allowlist.changes.length = 0;
    const runs: (string | null)[] = [];
    for (let work = ctx.scheduler.scheduled.shift(); work; work = ctx.scheduler.scheduled.shift()) {
      expect(work.kind).toBe('recheck');
      runs.push((work as RecheckWork).after);
      const pendingBefore = [...ctx.store.requests.values()].filter((r) => r.status === 'PENDING').length;
      await ctx.app.runWork(work);
      const pendingAfter = [...ctx.store.requests.values()].filter((r) => r.status === 'PENDING').length;
      expect(pendingBefore - pendingAfter).toBeLessThanOrEqual(RECHECK_PAGE);
    }
    expect(runs).toHaveLength(3);
    expect(runs[0]).toBeNull();
    expect(runs.slice(1).every((after) => typeof after === 'string')).toBe(true);
    expect([...ctx.store.requests.values()].map((r) => r.status)).toEqual(Array(count).fill('REJECTED'));
  });

  it('matches an adopted grant on the grant alone, as adopt judged it (its requester is the admin who adopted it)', async () => {
    const ctx = await setup();
    const asAdmin = async (r: GrantRequest, opening: 'ADOPTED' | 'CREATED') => {
      const [first, ...rest] = r.history;
      await ctx.store.update(r, { ...r, requester: ADMIN, history: [{ ...first!, event: opening }, ...rest] });
    };
    await asAdmin(ctx.account, 'ADOPTED');
    await asAdmin(ctx.events, 'CREATED');
    const impact = await ctx.app.allowlistImpact(who(ADMIN), 'orders', openEntry());
    expect(impact.kept).toContain(ctx.account.id);
    expect(impact.ended.map((e) => e.id)).toContain(ctx.events.id);
    expect(impact.ended.map((e) => e.id)).not.toContain(ctx.account.id);
  });

  it('changes nothing when the same change is checked again', async () => {
    const ctx = await setup();
    await ctx.app.allowlist.put(who(ADMIN), 'orders', NARROWED);
    await ctx.drain();
    const settledChanges = ctx.store.changes.length;
    // The same entry, checked again by another change (say, a put of the same content).
    await ctx.app.dispatchEntryChange('orders', 'again');
    await ctx.drain();
    expect(ctx.store.changes).toHaveLength(settledChanges);
  });
});

import {
  AlreadyApprovedError,
  NotAnApproverError,
  NotRequesterError,
  NotFoundError,
  SelfDecisionError,
  StatementChangedError,
  WrongStatusError,
  GrantRejectedError,
  PolicyChangedError,
  RoleNotReadyError,
  UnavailableError,
} from '../../../domain/errors';
import {
  ADMIN,
  APPROVER,
  OTHER_ACCOUNT,
  PRINCIPAL_CASES,
  REQUESTER,
  STRANGER,
  fnArn,
  openEntry,
  who,
} from '../../support/fixtures';
import { grantFlow } from '../../support/grant-flow';

const SECOND_APPROVER = 'slack:U0123ABCD';
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:order-queue';
const FN = fnArn('order-processor');

/** The in-memory app with the orders entry (or `entry`), and a verb per step of a grant's life. */
const setup = (entry = openEntry()) => grantFlow(entry);

describe('approving', () => {
  it('activates at the quorum and applies exactly the approved statement', async () => {
    const { create, approve, statementsOnFunction } = await setup();
    const request = await create();
    const active = await approve(request.id);
    expect(active).toMatchObject({
      status: 'ACTIVE',
      activatedAt: '2026-11-26T12:00:00.000Z',
      expiresAt: '2026-11-26T13:00:00.000Z',
      approvals: [{ approver: APPROVER, comment: null }],
    });
    expect(active.history.map((e) => e.event)).toEqual(['CREATED', 'APPROVAL', 'APPROVED', 'ACTIVATED']);
    expect(statementsOnFunction()).toEqual([request.statement]);
  });

  it('refuses self-approval and non-approvers, changing nothing', async () => {
    const { create, approve, store } = await setup(openEntry({ approvers: [APPROVER, REQUESTER] }));
    const request = await create();
    await expect(approve(request.id, REQUESTER)).rejects.toThrow(SelfDecisionError);
    // An admin may see the request but is no approver; a stranger may not even see it.
    await expect(approve(request.id, ADMIN)).rejects.toThrow(NotAnApproverError);
    await expect(approve(request.id, STRANGER)).rejects.toThrow(NotFoundError);
    expect(store.requests.get(request.id)).toEqual(request);
  });

  it('needs two distinct approvers for a quorum of two', async () => {
    const { create, approve, statementsOnFunction } = await setup(openEntry({ requiredApprovals: 2 }));
    const request = await create();
    const once = await approve(request.id);
    expect(once.status).toBe('PENDING');
    await expect(approve(request.id)).rejects.toThrow(AlreadyApprovedError);
    expect(statementsOnFunction()).toEqual([]);
    const twice = await approve(request.id, SECOND_APPROVER);
    expect(twice.status).toBe('ACTIVE');
    expect(twice.approvals.map((a) => a.approver)).toEqual([APPROVER, SECOND_APPROVER]);
  });

  it('activates once when two approvals race', async () => {
    const { create, app, drain, statementsOnFunction, policies } = await setup();
    const request = await create();
    const results = await Promise.allSettled([
      app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null }),
      app.decide.approve({ approver: who(SECOND_APPROVER), id: request.id, comment: null }),
    ]);
    await drain();
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: expect.any(WrongStatusError) as unknown,
    });
    expect(statementsOnFunction()).toHaveLength(1);
    expect(policies.calls.filter((c) => c === 'add')).toHaveLength(1);
  });

  it('refuses a decision shown with a stale statement hash', async () => {
    const { create, app } = await setup();
    const request = await create();
    await expect(
      app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null, statementHash: 'f'.repeat(64) }),
    ).rejects.toThrow(StatementChangedError);
  });

  it('stores the decision and applies nothing until the work behind it runs', async () => {
    const { create, app, scheduler, drain, statementsOnFunction } = await setup();
    const request = await create();
    const decided = await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
    expect(decided.status).toBe('APPROVED');
    expect(statementsOnFunction()).toEqual([]);
    await drain();
    expect(statementsOnFunction()).toEqual([request.statement]);
    // the activation started the expiry timer, at the grant's end
    expect(scheduler.scheduled).toEqual([{ requestId: request.id, kind: 'timer', at: '2026-11-26T13:00:00.000Z' }]);
  });

  it('applies auto-approved requests behind the create', async () => {
    const { create, drain, store } = await setup(openEntry({ autoApprove: true, requiredApprovals: 0, approvers: [] }));
    const request = await create();
    expect(request.status).toBe('APPROVED');
    await drain();
    const active = await store.get(request.id);
    expect(active?.status).toBe('ACTIVE');
    expect(active?.history.map((e) => e.event)).toEqual(['CREATED', 'APPROVED', 'ACTIVATED']);
  });

  it('applies a grant once when two workers settle it at the same time', async () => {
    const { create, app, policies } = await setup();
    const request = await create();
    await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
    const deadline = new Date(Date.parse('2026-11-26T12:00:20.000Z'));
    const outcomes = await Promise.all([
      app.settle.settle(request.id, { deadline }),
      app.settle.settle(request.id, { deadline }),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['retry', 'settled']);
    expect(outcomes.find((o) => o.kind === 'retry')).toMatchObject({ busy: true });
    expect(policies.calls.filter((c) => c === 'add')).toHaveLength(1);
  });
});

describe('applying', () => {
  it('fails clearly when the policy would pass 20,480 bytes, leaving it unchanged', async () => {
    const { create, approve, policies } = await setup();
    const filler = Array.from({ length: 60 }, (_, i) => ({
      Sid: `team-${i}`,
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: FN,
      Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:sns:us-east-1:123456789012:${'t'.repeat(150)}-${i}` } },
    }));
    policies.seed(FN, filler);
    const request = await create();
    const failed = await approve(request.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.failure?.reason).toMatch(/over Lambda's limit of 20480/);
    expect(policies.statements(FN)).toEqual(filler);
    expect(policies.calls).not.toContain('add');
  });

  it('retries a stale RevisionId (412) after re-reading', async () => {
    const { create, approve, policies, sleeps } = await setup();
    policies.failures.add = [new PolicyChangedError('412'), new PolicyChangedError('412')];
    const active = await approve((await create()).id);
    expect(active.status).toBe('ACTIVE');
    expect(policies.calls.filter((c) => c === 'add')).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(400);
  });

  it('reschedules a policy that keeps changing instead of waiting for it', async () => {
    const { create, approve, policies, scheduler, clock, drain, store } = await setup();
    policies.failures.add = [1, 2, 3].map(() => new PolicyChangedError('412'));
    const request = await create();
    expect((await approve(request.id)).status).toBe('APPROVED');
    expect(scheduler.scheduled).toEqual([{ requestId: request.id, kind: 'now', at: '2026-11-26T12:00:02.000Z' }]);
    clock.advance(2);
    await drain();
    expect((await store.get(request.id))?.status).toBe('ACTIVE');
  });

  it('counts its own statement already in the policy as applied (crash after AddPermission)', async () => {
    const { create, approve, policies } = await setup();
    const request = await create();
    policies.seed(FN, [request.statement as unknown as Record<string, unknown>]);
    expect((await approve(request.id)).status).toBe('ACTIVE');
    expect(policies.calls).not.toContain('add');
  });

  it('accepts the principal in another stored form but removes a broader statement', async () => {
    const accountAsk = PRINCIPAL_CASES[5].ask;
    const { create, approve, policies } = await setup();
    const request = await create(accountAsk);
    policies.seed(FN, [{ ...(request.statement as object), Principal: OTHER_ACCOUNT }]);
    expect((await approve(request.id)).status).toBe('ACTIVE');

    const org = await setup(openEntry({ principals: ['*'], principalOrgIds: ['o-abcdefghij'] }));
    const orgRequest = await org.create(PRINCIPAL_CASES[7].ask);
    const broader = { ...(orgRequest.statement as object) } as Record<string, unknown>;
    delete broader.Condition;
    org.policies.seed(FN, [broader]);
    const failed = await org.approve(orgRequest.id);
    expect(failed.status).toBe('FAILED');
    // a statement under the broker's own Sid that is not the approved one never outlives the request
    expect(org.policies.statements(FN)).toEqual([]);
  });

  it('finding 4: a broader statement under its own Sid is removed before the request may end, even when throttled', async () => {
    const { create, approve, policies, clock, drain, store } = await setup(
      openEntry({ principals: ['*'], principalOrgIds: ['o-abcdefghij'] }),
    );
    const request = await create(PRINCIPAL_CASES[7].ask);
    const broader = { ...(request.statement as object) } as Record<string, unknown>;
    delete broader.Condition;
    policies.seed(FN, [broader]);
    policies.failures.remove = [new UnavailableError('throttled')];
    expect((await approve(request.id)).status).toBe('APPROVED');
    expect(policies.statements(FN)).toEqual([broader]);
    clock.advance(5);
    await drain();
    expect((await store.get(request.id))?.status).toBe('FAILED');
    expect(policies.statements(FN)).toEqual([]);
  });

  it('leaves the request APPROVED, retried later, when Lambda is unavailable', async () => {
    const { create, approve, policies, app, scheduler } = await setup();
    const request = await create();
    policies.failures.read = [new UnavailableError('throttled')];
    expect((await approve(request.id)).status).toBe('APPROVED');
    expect(scheduler.scheduled).toEqual([{ requestId: request.id, kind: 'now', at: '2026-11-26T12:00:05.000Z' }]);
    const report = await app.sweep();
    expect(report.activated).toBe(1);
    expect(policies.statements(FN)).toHaveLength(1);
  });

  it('gives an APPROVED grant up as FAILED when AWS stays unavailable for 30 minutes', async () => {
    const { create, approve, policies, app, clock } = await setup();
    const request = await create();
    policies.failures.read = [new UnavailableError('down')];
    await approve(request.id);
    clock.advance(30 * 60 + 1);
    policies.failures.read = [new UnavailableError('still down')];
    await app.sweep();
    expect(await app.getRequest(who(ADMIN), request.id)).toMatchObject({
      status: 'FAILED',
      failure: { reason: expect.stringContaining('not applied within 30 minutes: still down') as unknown },
    });
  });

  it('records a permanent refusal as FAILED with its reason', async () => {
    const { create, approve, policies } = await setup();
    policies.failures.add = [new GrantRejectedError('InvalidParameterValueException: bad principal')];
    const failed = await approve((await create()).id);
    expect(failed).toMatchObject({
      status: 'FAILED',
      failure: { reason: expect.stringContaining('bad principal') as unknown },
    });
  });
});

describe('ending', () => {
  it('expires a grant on its timer at expiresAt, without a sweep', async () => {
    const { create, approve, app, advance, statementsOnFunction } = await setup();
    const request = await create();
    await approve(request.id);
    await advance(3599);
    expect(statementsOnFunction()).toHaveLength(1);
    await advance(1);
    expect(statementsOnFunction()).toEqual([]);
    const ended = await app.getRequest(who(REQUESTER), request.id);
    expect(ended).toMatchObject({ status: 'EXPIRED', endedAt: '2026-11-26T13:00:00.000Z' });
    expect(ended.history.at(-1)?.detail).toEqual({ lagSeconds: 0 });
  });

  it('expires a grant at the first sweep after expiresAt when its timer was lost', async () => {
    const { create, approve, app, clock, scheduler, statementsOnFunction } = await setup();
    const request = await create();
    await approve(request.id);
    scheduler.scheduled.length = 0;
    clock.advance(3599);
    expect((await app.sweep()).expired).toBe(0);
    expect(statementsOnFunction()).toHaveLength(1);
    clock.advance(1);
    const report = await app.sweep();
    expect(report).toMatchObject({ expired: 1, retryLater: 0 });
    expect(statementsOnFunction()).toEqual([]);
  });

  it('does no harm when two sweeps overlap', async () => {
    const { create, approve, app, clock, policies } = await setup();
    const requests = [await create(), await create(), await create()];
    for (const r of requests) await approve(r.id);
    clock.advance(3600);
    const [a, b] = await Promise.all([app.sweep(), app.sweep()]);
    expect(a.expired + b.expired).toBe(3);
    expect(a.retryLater + b.retryLater).toBe(0);
    expect(policies.statements(FN)).toEqual([]);
    for (const r of requests) {
      const ended = await app.getRequest(who(ADMIN), r.id);
      expect(ended.history.filter((e) => e.event === 'EXPIRED')).toHaveLength(1);
    }
  });

  it('revokes at once, by requester, approver or admin only', async () => {
    const { create, approve, app, revoke, statementsOnFunction } = await setup();
    const request = await create();
    await approve(request.id);
    await expect(app.revokeRequest(who(STRANGER), request.id, null)).rejects.toThrow(NotFoundError);
    const marked = await app.revokeRequest(who(ADMIN), request.id, 'incident 42');
    expect(marked).toMatchObject({ status: 'ACTIVE', ending: { as: 'REVOKED', actor: ADMIN } });
    const revoked = await revoke(ADMIN, request.id);
    expect(revoked.status).toBe('REVOKED');
    expect(revoked.history.slice(-2).map((e) => [e.event, e.actor])).toEqual([
      ['REVOKE_REQUESTED', ADMIN],
      ['REVOKED', ADMIN],
    ]);
    expect(statementsOnFunction()).toEqual([]);
    await expect(app.revokeRequest(who(ADMIN), request.id, null)).rejects.toThrow(WrongStatusError);
  });

  it('finishes a revoke whose removal failed, later (retried work or the sweep)', async () => {
    const { create, approve, app, revoke, policies, statementsOnFunction } = await setup();
    const request = await create();
    await approve(request.id);
    policies.failures.remove = [new UnavailableError('Lambda 500')];
    expect(await revoke(REQUESTER, request.id)).toMatchObject({ status: 'ACTIVE', ending: { as: 'REVOKED' } });
    expect((await app.sweep()).revoked).toBe(1);
    expect(statementsOnFunction()).toEqual([]);
  });

  it('finishes a revoke interrupted after the marker write (nothing queued) at the next sweep', async () => {
    const { create, approve, app, statementsOnFunction } = await setup();
    const request = await create();
    await approve(request.id);
    await app.revokeRequest(who(REQUESTER), request.id, null);
    expect((await app.sweep()).revoked).toBe(1);
    expect(statementsOnFunction()).toEqual([]);
  });

  it('times out PENDING requests and lets the requester cancel, nobody else', async () => {
    const { create, app, clock } = await setup();
    const stale = await create();
    const fresh = await create();
    await expect(app.cancelRequest(who(APPROVER), fresh.id)).rejects.toThrow(NotRequesterError);
    expect((await app.cancelRequest(who(REQUESTER), fresh.id)).status).toBe('CANCELLED');
    await expect(app.cancelRequest(who(REQUESTER), fresh.id)).rejects.toThrow(WrongStatusError);
    clock.advance(86400);
    expect((await app.sweep()).timedOut).toBe(1);
    expect((await app.getRequest(who(REQUESTER), stale.id)).status).toBe('TIMED_OUT');
  });

  it('rejects a PENDING request and applies nothing', async () => {
    const { create, app, policies } = await setup();
    const request = await create();
    await expect(app.decide.reject({ approver: who(REQUESTER), id: request.id, comment: null })).rejects.toThrow(
      SelfDecisionError,
    );
    const rejected = await app.decide.reject({ approver: who(APPROVER), id: request.id, comment: 'use the queue' });
    expect(rejected).toMatchObject({
      status: 'REJECTED',
      history: expect.arrayContaining([
        expect.objectContaining({ event: 'REJECTED', detail: { comment: 'use the queue' } }),
      ]) as unknown,
    });
    // Only the read of the policy preview, when it was asked for.
    expect(policies.calls).toEqual(['read']);
  });

  it('never touches a statement without the broker prefix', async () => {
    const { create, approve, app, clock, policies } = await setup();
    const foreign = {
      Sid: 'team-owned',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: FN,
    };
    policies.seed(FN, [foreign]);
    const request = await create();
    await approve(request.id);
    clock.advance(3600);
    await app.sweep();
    expect(policies.statements(FN)).toEqual([foreign]);
  });
});

describe('event source grants', () => {
  it('grants the execution role, creates the mapping, and removes both at expiry', async () => {
    const { create, approve, app, clock, roles, mappings } = await setup();
    const request = await create({ eventSourceArn: QUEUE, batchSize: 5 });
    const active = await approve(request.id);
    expect(active).toMatchObject({
      status: 'ACTIVE',
      eventSourceMappingUuid: 'mapping-1',
      executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    });
    expect([...roles.policies('arn:aws:iam::123456789012:role/exec').keys()]).toEqual([request.statementId]);
    expect(mappings.mappings.get('mapping-1')).toMatchObject({ eventSourceArn: QUEUE, batchSize: 5 });
    clock.advance(3600);
    expect((await app.sweep()).expired).toBe(1);
    expect(roles.policies('arn:aws:iam::123456789012:role/exec').size).toBe(0);
    expect(mappings.mappings.size).toBe(0);
  });

  it('waits for IAM to propagate by rescheduling, never by sleeping', async () => {
    const { create, approve, mappings, sleeps, advance, store } = await setup();
    mappings.failures.create = [new RoleNotReadyError(), new RoleNotReadyError()];
    const request = await create({ eventSourceArn: QUEUE });
    expect((await approve(request.id)).status).toBe('APPROVED');
    await advance(2);
    expect((await store.get(request.id))?.status).toBe('APPROVED');
    await advance(3);
    expect((await store.get(request.id))?.status).toBe('ACTIVE');
    expect(sleeps).toEqual([]);
  });

  it('gives up on IAM propagation after 5 minutes and removes the role policy', async () => {
    const { create, approve, mappings, roles, clock, app } = await setup();
    const request = await create({ eventSourceArn: QUEUE });
    mappings.failures.create = [new RoleNotReadyError()];
    await approve(request.id);
    clock.advance(301);
    mappings.failures.create = [new RoleNotReadyError()];
    expect((await app.sweep()).failed).toBe(1);
    expect(await app.getRequest(who(ADMIN), request.id)).toMatchObject({
      status: 'FAILED',
      failure: { reason: expect.stringContaining('within 5 minutes') as unknown },
    });
    expect(roles.policies('arn:aws:iam::123456789012:role/exec').size).toBe(0);
  });

  it('cleans the role policy when the mapping is refused for good', async () => {
    const { create, approve, roles, mappings } = await setup();
    mappings.failures.create = [new GrantRejectedError('queue gone')];
    const failed = await approve((await create({ eventSourceArn: QUEUE })).id);
    expect(failed.status).toBe('FAILED');
    expect(roles.policies('arn:aws:iam::123456789012:role/exec').size).toBe(0);
  });

  it('refuses to take over a mapping that predates the approval', async () => {
    const { create, approve, roles, mappings, clock } = await setup();
    mappings.add({ functionName: FN, qualifier: null, eventSourceArn: QUEUE, batchSize: null });
    clock.advance(10);
    const failed = await approve((await create({ eventSourceArn: QUEUE })).id);
    expect(failed).toMatchObject({
      status: 'FAILED',
      failure: { reason: expect.stringContaining('already exists') as unknown },
    });
    expect(mappings.mappings.size).toBe(1);
    expect(roles.policies('arn:aws:iam::123456789012:role/exec').size).toBe(0);
  });
});

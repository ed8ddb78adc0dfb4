import {
  AccountNotTargetedError,
  AccountUnreachableError,
  AdoptionInProgressError,
  NotAdminError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '../../../domain/errors';
import { makeGrantOperator } from '../../../domain/grants/grant-operator';
import type { InvokeGrantRequest } from '../../../domain/model/request';
import { RESOURCE_POLICY_LIMIT_BYTES, resourcePolicyBytes } from '../../../domain/rules/policy-limits';
import { ADMIN, APPROVER, OTHER_ACCOUNT, REQUESTER, fnArn, openEntry, settings, who } from '../../support/fixtures';
import {
  InMemoryEventSourceKeys,
  InMemoryMappings,
  InMemoryResourcePolicies,
  InMemoryRoles,
} from '../../support/in-memory-gateways';
import { inMemoryApp } from '../../support/in-memory-app';

const FN = fnArn('order-processor');
const AUDITOR = fnArn('order-auditor');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders-topic';

/** A statement someone else added, as Lambda stores it. */
const foreign = (sid: string, overrides: Record<string, unknown> = {}) => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: { Service: 'sns.amazonaws.com' },
  Action: 'lambda:InvokeFunction',
  Resource: FN,
  Condition: { ArnLike: { 'AWS:SourceArn': TOPIC } },
  ...overrides,
});
const NO_SOURCE = foreign('team-open', { Condition: undefined });
const ACCOUNT_GRANT = foreign('team-account', { Principal: OTHER_ACCOUNT, Condition: undefined });

async function setup() {
  const ctx = inMemoryApp();
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  ctx.policies.seed(FN, [foreign('team-sns'), NO_SOURCE]);
  const adopt = (statementId: string, overrides: Record<string, unknown> = {}) =>
    ctx.app.adoptStatement({
      caller: who(ADMIN),
      functionArn: FN,
      qualifier: null,
      statementId,
      durationSeconds: 7 * 86400,
      reason: 'bring the orders topic under the broker',
      ...overrides,
    });
  const discover = (overrides: Record<string, unknown> = {}) =>
    ctx.app.discover({ caller: who(ADMIN), limit: 50, nextToken: null, budgetMs: 20_000, ...overrides });
  const sids = (fn = FN) => ctx.policies.statements(fn).map((s) => s.Sid);
  return { ...ctx, adopt, discover, sids };
}

describe('discover', () => {
  it('lists the statements without the broker prefix, judged by the floor and the allowlist', async () => {
    const { discover, policies } = await setup();
    policies.seed(AUDITOR, [
      { ...ACCOUNT_GRANT, Resource: AUDITOR },
      { ...foreign('lpb-ours'), Resource: AUDITOR },
    ]);
    const page = await discover();
    expect(page).toEqual({
      items: [
        {
          functionArn: AUDITOR,
          qualifier: null,
          statementId: 'team-account',
          statement: { ...ACCOUNT_GRANT, Resource: AUDITOR },
          floorViolations: [],
          permittedBy: 'orders',
        },
        {
          functionArn: FN,
          qualifier: null,
          statementId: 'team-sns',
          statement: foreign('team-sns'),
          floorViolations: [],
          permittedBy: 'orders',
        },
        {
          functionArn: FN,
          qualifier: null,
          statementId: 'team-open',
          statement: NO_SOURCE,
          floorViolations: [{ path: 'sourceArn', message: 'is required for service principal sns.amazonaws.com' }],
          permittedBy: 'orders',
        },
      ],
      nextToken: null,
      accountsUnreachable: [],
    });
  });

  it('reads only the functions an entry matches or that have grants, and changes nothing', async () => {
    const { app, discover, policies } = await setup();
    await app.allowlist.put(who(ADMIN), 'orders', openEntry({ functions: [fnArn('order-auditor')] }));
    policies.seed(AUDITOR, [{ ...ACCOUNT_GRANT, Resource: AUDITOR }]);
    expect((await discover()).items.map((i) => i.functionArn)).toEqual([AUDITOR]);
    expect(policies.calls).toEqual(['read']);
  });

  it('also reads the policy of every qualifier with an ACTIVE grant', async () => {
    const { app, discover, policies, drain } = await setup();
    const { request } = await app.createRequest({
      caller: who(REQUESTER),
      ask: {
        functionName: 'order-processor',
        qualifier: 'live',
        principal: OTHER_ACCOUNT,
        durationSeconds: 3600,
        reason: 'a grant on the alias',
      },
      dryRun: false,
      idempotencyKey: null,
    });
    await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
    await drain();
    const live = policies.policies.get(`${FN}:live`)!;
    live.statements.push({ ...ACCOUNT_GRANT, Resource: `${FN}:live` });
    const items = (await discover()).items.filter((i) => i.qualifier === 'live');
    expect(items).toEqual([expect.objectContaining({ statementId: 'team-account', floorViolations: [] })]);
  });

  it('lists a statement under the qualifier its Resource names', async () => {
    const { discover, policies } = await setup();
    // As moto keeps it: one policy for the function and all its qualifiers.
    policies.seed(FN, [{ ...ACCOUNT_GRANT, Resource: `${FN}:live` }]);
    expect((await discover()).items).toEqual([expect.objectContaining({ qualifier: 'live', floorViolations: [] })]);
  });

  it('pages by policies read, resuming where it stopped', async () => {
    const { discover, policies } = await setup();
    policies.seed(AUDITOR, [{ ...ACCOUNT_GRANT, Resource: AUDITOR }]);
    const first = await discover({ limit: 1 });
    expect(first.items.map((i) => i.statementId)).toEqual(['team-account']);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await discover({ limit: 1, nextToken: first.nextToken });
    expect(second.items.map((i) => i.statementId)).toEqual(['team-sns', 'team-open']);
    expect(second.nextToken).toBeNull();
    await expect(discover({ nextToken: 'bm90LWEtdG9rZW4' })).rejects.toMatchObject({
      constructor: ValidationError,
      details: [{ path: 'nextToken' }],
    });
  });

  it('ends a page early when AWS keeps it waiting, and answers 503 only when it read nothing', async () => {
    const { discover, policies } = await setup();
    policies.seed(AUDITOR, [{ ...ACCOUNT_GRANT, Resource: AUDITOR }]);
    policies.failures.read = [undefined as unknown as Error, new UnavailableError('budget used up')];
    const partial = await discover();
    expect(partial.items.map((i) => i.statementId)).toEqual(['team-account']);
    const rest = await discover({ nextToken: partial.nextToken });
    expect(rest.items.map((i) => i.statementId)).toEqual(['team-sns', 'team-open']);
    policies.failures.read = [new UnavailableError('budget used up')];
    await expect(discover()).rejects.toThrow(UnavailableError);
  });

  it('reports an account it cannot reach and goes on with the others', async () => {
    const { discover, policies } = await setup();
    policies.seed(AUDITOR, [{ ...ACCOUNT_GRANT, Resource: AUDITOR }]);
    policies.failures.read = [new AccountUnreachableError('123456789012', 'the spoke role cannot be assumed')];
    const page = await discover();
    expect(page.accountsUnreachable).toEqual(['123456789012']);
    expect(page.items.map((i) => i.statementId)).toEqual(['team-sns', 'team-open']);
  });

  it('is for admins only', async () => {
    const { discover } = await setup();
    await expect(discover({ caller: who(APPROVER) })).rejects.toThrow(NotAdminError);
  });
});

describe('adopt', () => {
  it('turns a statement into a managed grant: its own statement first, then the old one goes', async () => {
    const { adopt, drain, store, sids, policies } = await setup();
    const adopted = await adopt('team-sns');
    expect(adopted).toMatchObject({
      status: 'APPROVED',
      requester: ADMIN,
      allowlistEntryId: 'orders',
      principal: 'sns.amazonaws.com',
      sourceArn: TOPIC,
      requiredApprovals: 0,
      history: [
        {
          event: 'ADOPTED',
          actor: ADMIN,
          detail: { statementId: 'team-sns', statement: foreign('team-sns'), allowlistEntryId: 'orders' },
        },
      ],
    });
    await drain();
    const active = await store.get(adopted.id);
    expect(active).toMatchObject({ status: 'ACTIVE' });
    expect(Date.parse(active!.expiresAt!) - Date.parse(active!.activatedAt!)).toBe(7 * 86400 * 1000);
    expect(sids()).toEqual(['team-open', adopted.statementId]);
    const { Sid: _new, ...meaning } = policies.statements(FN)[1]!;
    const { Sid: _old, ...before } = foreign('team-sns');
    expect(meaning).toEqual(before);
    // adopt reads the statement; the operator reads, adds (its answer is the read-back), reads the old statement
    // again (still as recorded) and only then removes it.
    expect(policies.calls).toEqual(['read', 'read', 'add', 'read', 'remove']);
  });

  it('records a grant no entry permits with a null entry, seen by admins and its requester only', async () => {
    const { adopt, drain, app, store } = await setup();
    await app.allowlist.put(who(ADMIN), 'orders', openEntry({ principals: ['events.amazonaws.com'] }));
    const adopted = await adopt('team-sns');
    expect(adopted.allowlistEntryId).toBeNull();
    await drain();
    expect((await store.get(adopted.id))?.status).toBe('ACTIVE');
    await expect(app.getRequest(who(APPROVER), adopted.id)).rejects.toThrow(NotFoundError);
    const list = { status: null, functionName: null, limit: 25, nextToken: null };
    expect((await app.listRequests({ caller: who(APPROVER), ...list })).items).toEqual([]);
    expect((await app.listRequests({ caller: who(ADMIN), ...list })).items.map((r) => r.id)).toEqual([adopted.id]);
  });

  it('refuses a statement below the safety floor, naming it and each violation, and leaves it in place', async () => {
    const { adopt, store, sids, policies } = await setup();
    await expect(adopt('team-open')).rejects.toMatchObject({
      constructor: ValidationError,
      details: [
        { path: 'statementId', message: expect.stringContaining('team-open does not meet the safety floor') },
        { path: 'sourceArn', message: 'is required for service principal sns.amazonaws.com' },
      ],
    });
    expect(store.requests.size).toBe(0);
    expect(sids()).toEqual(['team-sns', 'team-open']);
    expect(policies.calls).toEqual(['read']);
  });

  it.each([
    ['a Sid of its own', 'lpb-mine', {}, 'statementId'],
    ['a short duration', 'team-sns', { durationSeconds: 60 }, 'durationSeconds'],
    [
      'a function in another Region',
      'team-sns',
      { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x' },
      'functionArn',
    ],
    ['$LATEST', 'team-sns', { qualifier: '$LATEST' }, 'qualifier'],
  ])('refuses %s, naming the field', async (_name, sid, overrides, path) => {
    const { adopt, store } = await setup();
    await expect(adopt(sid, overrides)).rejects.toMatchObject({ constructor: ValidationError, details: [{ path }] });
    expect(store.requests.size).toBe(0);
  });

  it('refuses a function in an account outside BROKER_TARGET_ACCOUNTS with 403, naming functionArn', async () => {
    const { adopt, store } = await setup();
    await expect(
      adopt('team-sns', { functionArn: 'arn:aws:lambda:us-east-1:111111111111:function:x' }),
    ).rejects.toMatchObject({ constructor: AccountNotTargetedError, details: [{ path: 'functionArn' }] });
    expect(store.requests.size).toBe(0);
  });

  it("answers 503 when the function's account cannot be reached", async () => {
    const { adopt, policies, store } = await setup();
    policies.failures.read = [new AccountUnreachableError('123456789012', 'the spoke role cannot be assumed')];
    await expect(adopt('team-sns')).rejects.toThrow(UnavailableError);
    expect(store.requests.size).toBe(0);
  });

  it('answers not found for a statement that is not there, and refuses non-admins', async () => {
    const { adopt, app, store } = await setup();
    await expect(adopt('team-gone')).rejects.toThrow(NotFoundError);
    await expect(adopt('team-sns', { qualifier: 'live' })).rejects.toThrow(NotFoundError);
    await expect(
      app.adoptStatement({
        caller: who(REQUESTER),
        functionArn: FN,
        qualifier: null,
        statementId: 'team-sns',
        durationSeconds: 3600,
        reason: 'not mine to adopt',
      }),
    ).rejects.toThrow(NotAdminError);
    expect(store.requests.size).toBe(0);
  });

  it('keeps both statements when the old one cannot be removed yet, and finishes later', async () => {
    const { adopt, drain, advance, store, sids, policies } = await setup();
    policies.failures.remove = [new UnavailableError('Lambda is throttling')];
    const adopted = await adopt('team-sns');
    await drain();
    expect((await store.get(adopted.id))?.status).toBe('APPROVED');
    expect(sids()).toEqual(['team-sns', 'team-open', adopted.statementId]);
    await advance(10);
    expect((await store.get(adopted.id))?.status).toBe('ACTIVE');
    expect(sids()).toEqual(['team-open', adopted.statementId]);
  });

  it('finishes after a crash between adding its statement and removing the old one', async () => {
    const { adopt, app, store, sids, policies } = await setup();
    const adopted = (await adopt('team-sns')) as InvokeGrantRequest;
    // The broker stopped right after AddPermission: its statement stands, the old one too, the request is APPROVED.
    await policies.add({ functionName: FN, qualifier: null }, adopted.statement, null);
    policies.calls.length = 0;
    const outcome = await app.settle.settleWithin(adopted.id, 5_000);
    expect(outcome.request?.status).toBe('ACTIVE');
    expect(policies.calls).toEqual(['read', 'read', 'remove']);
    expect(sids()).toEqual(['team-open', adopted.statementId]);
    expect((await store.get(adopted.id))?.history.map((e) => e.event)).toEqual(['ADOPTED', 'ACTIVATED']);
  });

  it('leaves the old statement in place when its owner changed it after it was adopted (ADOPTION_CONFLICT)', async () => {
    const { adopt, drain, store, sids, policies } = await setup();
    const adopted = await adopt('team-sns');
    // The owner replaces team-sns (same Sid, another topic) before the broker gets to remove it.
    const changed = foreign('team-sns', { Condition: { ArnLike: { 'AWS:SourceArn': `${TOPIC}-v2` } } });
    const policy = policies.policies.get(`${FN}:`)!;
    policy.statements = policy.statements.map((s) => (s.Sid === 'team-sns' ? changed : s));
    policy.revision++;
    await drain();
    const active = await store.get(adopted.id);
    expect(active?.status).toBe('ACTIVE');
    expect(sids()).toEqual(['team-sns', 'team-open', adopted.statementId]);
    expect(policies.statements(FN).find((s) => s.Sid === 'team-sns')).toEqual(changed);
    expect(active?.history.map((e) => e.event)).toEqual(['ADOPTED', 'ACTIVATED', 'ADOPTION_CONFLICT']);
    expect(active?.history.at(-1)?.detail).toEqual({
      statementId: 'team-sns',
      reason: 'statement team-sns changed after it was adopted; it was left in place',
      found: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
  });

  it('removes the old statement only at the revision it read: a change in between is found on the next read', async () => {
    const { adopt, drain, store, sids, policies } = await setup();
    const adopted = await adopt('team-sns');
    const changed = foreign('team-sns', { Principal: { Service: 'events.amazonaws.com' } });
    // Right after the read that precedes the removal (the one after AddPermission), the owner changes team-sns.
    policies.interleave = (_target, moment) => {
      if (moment !== 'after' || !policies.calls.includes('add') || policies.interleave === null)
        return Promise.resolve();
      policies.interleave = null;
      const policy = policies.policies.get(`${FN}:`)!;
      policy.statements = policy.statements.map((s) => (s.Sid === 'team-sns' ? changed : s));
      policy.revision++;
      return Promise.resolve();
    };
    await drain();
    // The removal carried the revision it read (refused: 412), the next read saw the change, and it was left alone.
    expect(policies.calls).toEqual(['read', 'read', 'add', 'read', 'remove', 'read']);
    expect(policies.statements(FN).find((s) => s.Sid === 'team-sns')).toEqual(changed);
    expect(sids()).toContain(adopted.statementId);
    expect((await store.get(adopted.id))?.history.map((e) => e.event)).toEqual([
      'ADOPTED',
      'ACTIVATED',
      'ADOPTION_CONFLICT',
    ]);
  });

  it('leaves the old statement alone when its own cannot be added', async () => {
    const { adopt, drain, store, sids, policies } = await setup();
    // A policy near Lambda's 20 KB: the two statements cannot stand side by side even for a moment.
    const statements: Record<string, unknown>[] = [foreign('team-sns')];
    while (resourcePolicyBytes(statements) < RESOURCE_POLICY_LIMIT_BYTES - 100) {
      statements.push({ ...ACCOUNT_GRANT, Sid: `team-filler-${statements.length}` });
    }
    policies.seed(FN, statements);
    const adopted = await adopt('team-sns');
    await drain();
    const failed = await store.get(adopted.id);
    expect(failed).toMatchObject({ status: 'FAILED', failure: { reason: expect.stringContaining('20480') } });
    expect(sids()).toContain('team-sns');
    expect(sids()).not.toContain(adopted.statementId);
  });

  it('answers a retry with the adoption in flight, and refuses one with other terms', async () => {
    const { adopt, store } = await setup();
    const first = await adopt('team-sns');
    await expect(adopt('team-sns')).resolves.toMatchObject({ id: first.id });
    await expect(adopt('team-sns', { durationSeconds: 3600 })).rejects.toThrow(AdoptionInProgressError);
    expect(store.requests.size).toBe(1);
  });
});

describe('the narrow exception to "never touch a statement without our prefix"', () => {
  const operatorWith = (policies: InMemoryResourcePolicies) =>
    makeGrantOperator({
      policies,
      roles: new InMemoryRoles(),
      mappings: new InMemoryMappings(() => new Date()),
      functions: {
        resolve: () => Promise.resolve(null),
        listArns: () => Promise.resolve([]),
        listQualifiers: () => Promise.resolve([]),
      },
      keys: new InMemoryEventSourceKeys(),
      sleep: () => Promise.resolve(),
      settings,
    });

  it('removes only the Sid an ADOPTED event names, and only once its own statement is in place', async () => {
    const { adopt, store } = await setup();
    const adopted = (await store.get((await adopt('team-sns')).id)) as InvokeGrantRequest;
    const policies = new InMemoryResourcePolicies();
    policies.seed(FN, [foreign('team-sns'), foreign('team-other')]);
    // AddPermission fails: the old statement stays, and a retry finishes the swap.
    policies.failures.add = [new UnavailableError('down')];
    await expect(operatorWith(policies).adopt(adopted)).rejects.toThrow(UnavailableError);
    expect(policies.statements(FN).map((s) => s.Sid)).toEqual(['team-sns', 'team-other']);
    await expect(operatorWith(policies).adopt(adopted)).resolves.toMatchObject({ outcome: 'applied' });
    expect(policies.statements(FN).map((s) => s.Sid)).toEqual(['team-other', adopted.statementId]);
  });

  it('refuses a request that adopts nothing, or names a statement of the broker', async () => {
    const { adopt, store } = await setup();
    const adopted = (await store.get((await adopt('team-sns')).id)) as InvokeGrantRequest;
    const operator = operatorWith(new InMemoryResourcePolicies());
    expect(() => operator.adopt({ ...adopted, history: [] })).toThrow(/adopts no statement of someone else/);
    const ours = { ...adopted.history[0]!, detail: { statementId: 'lpb-another' } };
    expect(() => operator.adopt({ ...adopted, history: [ours] })).toThrow(/adopts no statement of someone else/);
    // Removal by the normal path stays refused for a foreign Sid.
    await expect(operator.remove({ ...adopted, statementId: 'team-sns' })).rejects.toThrow(/foreign statement/);
  });
});

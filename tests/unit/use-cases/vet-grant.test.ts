/**
 * Vetting an ask before anyone approves it (docs/policy-preview.md): the policy as it will be, source proof as the
 * entry asks for it, and IAM Access Analyzer's findings, each refusing or warning as the contract says, storing
 * nothing when it refuses. The adapters are tested on their own (source-directory, access-analyzer).
 */
import { GrantRejectedError, UnavailableError, ValidationError } from '../../../domain/errors';
import type { PolicyFinding } from '../../../domain/ports';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../../support/fixtures';
import { inMemoryApp } from '../../support/in-memory-app';
import { InMemoryPolicyAnalyzer } from '../../support/in-memory-gateways';

const SNS = PRINCIPAL_CASES[2].ask;
const TOPIC = SNS.sourceArn;
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:order-queue';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:order-processor';

async function setup(entry: Parameters<typeof openEntry>[0] = {}, analyzer: InMemoryPolicyAnalyzer | null = null) {
  const ctx = inMemoryApp({}, analyzer ? { analyzer } : {});
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry(entry));
  const ask = (fields: Record<string, unknown> = SNS, dryRun = false) =>
    ctx.app.createRequest({ caller: who(REQUESTER), ask: { ...baseAsk, ...fields }, dryRun, idempotencyKey: null });
  return { ...ctx, ask };
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
};

describe('source proof', () => {
  it('warns by default about a source that is not there, naming the field, and stores the warning', async () => {
    const { ask, sources, store } = await setup();
    sources.missing.add(TOPIC);
    const { request } = await ask();
    expect(request.warnings).toEqual([`sourceArn: not found: no ${TOPIC}`]);
    expect(store.requests.get(request.id)?.warnings).toEqual(request.warnings);
    expect(sources.lookups).toEqual([{ arn: TOPIC, account: '123456789012' }]);
  });

  it('refuses with require, naming the field and why, storing nothing', async () => {
    const { ask, sources, store } = await setup({ sourceProof: 'require' });
    sources.unreadable.add(QUEUE);
    const error = await refusal(ask({ eventSourceArn: QUEUE }));
    expect(error.details).toEqual([
      { path: 'eventSourceArn', message: 'could not be read: AccessDenied (the entry requires source proof)' },
    ]);
    expect(store.requests.size).toBe(0);
  });

  it('reads nothing with off, nor for a grant without a source, nor for a service it has no reader for', async () => {
    const off = await setup({ sourceProof: 'off' });
    off.sources.missing.add(TOPIC);
    expect((await off.ask()).request.warnings).toEqual([]);
    const on = await setup({ sourceProof: 'require' });
    await on.ask(PRINCIPAL_CASES[5].ask);
    await on.ask(PRINCIPAL_CASES[4].ask);
    expect([...off.sources.lookups, ...on.sources.lookups]).toEqual([]);
  });

  it('warns (warn) about a source that cannot be read now, and waits (503, require)', async () => {
    const warn = await setup();
    warn.sources.throttled.add(TOPIC);
    expect((await warn.ask()).request.warnings).toEqual([
      'sourceArn: could not be read: SNS is unavailable (Throttling)',
    ]);
    const require = await setup({ sourceProof: 'require' });
    require.sources.throttled.add(TOPIC);
    await expect(require.ask()).rejects.toThrow(UnavailableError);
    expect(require.store.requests.size).toBe(0);
  });

  it('reads an S3 bucket in the account SourceAccount names', async () => {
    const { ask, sources } = await setup({ sourceAccounts: ['123456789012', '111122223333'] });
    await ask({ ...PRINCIPAL_CASES[1].ask, sourceAccount: '111122223333' });
    expect(sources.lookups).toEqual([{ arn: 'arn:aws:s3:::orders-uploads', account: '111122223333' }]);
  });
});

describe('IAM Access Analyzer', () => {
  const finding = (type: PolicyFinding['type'], code: string): PolicyFinding => ({ type, code, message: `${code}!` });

  it.each([
    ['ERROR', 'INVALID_ACTION'],
    ['SECURITY_WARNING', 'PASS_ROLE_WITH_STAR_IN_RESOURCE'],
    ['PUBLIC_ACCESS', 'PUBLIC_ACCESS'],
  ] as const)('refuses a %s finding, listing it, storing nothing', async (type, code) => {
    const analyzer = new InMemoryPolicyAnalyzer();
    analyzer.findingsToAnswer = [finding(type, code), finding('SUGGESTION', 'EMPTY_ARRAY')];
    const { ask, store } = await setup({}, analyzer);
    const error = await refusal(ask());
    expect(error.details).toEqual([{ path: 'statement', message: `${type} ${code}: ${code}!` }]);
    expect(store.requests.size).toBe(0);
  });

  it('passes suggestions and warnings on to the approvers, and checks the whole would-be policy', async () => {
    const analyzer = new InMemoryPolicyAnalyzer();
    analyzer.findingsToAnswer = [finding('SUGGESTION', 'EMPTY_ARRAY'), finding('WARNING', 'MISSING_VERSION')];
    const { ask, policies } = await setup({}, analyzer);
    const team = { Sid: 'team', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: 'x' };
    policies.seed(FN, [team]);
    const { request } = await ask(SNS, true);
    expect(request.warnings).toEqual([
      'statement: SUGGESTION EMPTY_ARRAY: EMPTY_ARRAY!',
      'statement: WARNING MISSING_VERSION: MISSING_VERSION!',
    ]);
    expect(JSON.parse(analyzer.documents[0] as string)).toEqual({
      Version: '2012-10-17',
      Statement: [team, request.statement],
    });
  });

  it('holds the ask (503, nothing stored) when the policy it would check cannot be read', async () => {
    const analyzer = new InMemoryPolicyAnalyzer();
    const { ask, policies, store } = await setup({}, analyzer);
    policies.failures.read = [new UnavailableError('throttled')];
    await expect(ask()).rejects.toThrow(UnavailableError);
    expect(store.requests.size).toBe(0);
    expect(analyzer.documents).toEqual([]);
  });

  it('refuses an auto-approved ask it refuses, so nothing is ever applied', async () => {
    const analyzer = new InMemoryPolicyAnalyzer();
    analyzer.findingsToAnswer = [finding('PUBLIC_ACCESS', 'PUBLIC_ACCESS')];
    const { ask, store, policies } = await setup({ autoApprove: true, requiredApprovals: 0, approvers: [] }, analyzer);
    await refusal(ask());
    expect(store.requests.size).toBe(0);
    expect(policies.calls).toEqual(['read']);
  });

  it('is not asked about an event source grant, which changes no resource policy', async () => {
    const analyzer = new InMemoryPolicyAnalyzer();
    const { ask } = await setup({}, analyzer);
    await ask({ eventSourceArn: QUEUE });
    expect(analyzer.documents).toEqual([]);
  });
});

describe('the policy preview', () => {
  it('is left out, saying why, when Lambda refuses the read for good (analyzer off); with the analyzer, 503', async () => {
    const off = await setup();
    off.policies.failures.read = [new GrantRejectedError('AccessDenied: an SCP denies lambda:GetPolicy')];
    const { request } = await off.ask();
    expect(request.policyPreview).toBeNull();
    expect(request.warnings).toEqual([
      "policyPreview: the function's policy could not be read (AccessDenied: an SCP denies lambda:GetPolicy)",
    ]);
    const on = await setup({}, new InMemoryPolicyAnalyzer());
    on.policies.failures.read = [new GrantRejectedError('AccessDenied: an SCP denies lambda:GetPolicy')];
    await expect(on.ask()).rejects.toThrow(/could not be read to check it: AccessDenied/);
    expect(on.store.requests.size).toBe(0);
  });

  it('reads a polled request at most once a minute per process, and fills in one it could not read', async () => {
    const { ask, app, clock, policies } = await setup();
    policies.failures.read = [new UnavailableError('throttled')];
    const { request } = await ask();
    expect(request.policyPreview).toBeNull();
    policies.calls.length = 0;
    for (let i = 0; i < 5; i++) await app.getRequest(who(REQUESTER), request.id);
    expect(policies.calls).toEqual(['read']);
    expect((await app.getRequest(who(REQUESTER), request.id)).policyPreview).toMatchObject({ statements: 0 });
    clock.advance(61);
    await app.getRequest(who(REQUESTER), request.id);
    expect(policies.calls).toEqual(['read', 'read']);
  });

  it('is not read again once the grant is applied: approvers no longer judge it', async () => {
    const { ask, app, clock, policies, drain } = await setup();
    const { request } = await ask();
    await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
    await drain();
    clock.advance(61);
    policies.calls.length = 0;
    const active = await app.getRequest(who(REQUESTER), request.id);
    // ACTIVE: no longer what approvers judge, so not read again.
    expect(active.status).toBe('ACTIVE');
    expect(policies.calls).toEqual([]);
  });

  it('is read at creation and refreshed on a read once older than 60 s, while the grant waits', async () => {
    const { ask, app, clock, policies } = await setup();
    const { request } = await ask();
    expect(request.policyPreview).toMatchObject({ readAt: clock.now().toISOString(), policyBytes: 0, statements: 0 });
    const fn = request.functionArn;
    const team = {
      Sid: 'team',
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: fn,
    };
    policies.seed(fn, [team]);
    clock.advance(60);
    expect((await app.getRequest(who(REQUESTER), request.id)).policyPreview?.statements).toBe(0);
    clock.advance(1);
    const fresh = (await app.getRequest(who(REQUESTER), request.id)).policyPreview;
    expect(fresh).toMatchObject({
      readAt: clock.now().toISOString(),
      statements: 1,
      overlaps: [{ statementId: 'team' }],
    });
  });
});

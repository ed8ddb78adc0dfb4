import fc from 'fast-check';
import type { AllowlistEntry } from '../../../domain/model/allowlist-entry';
import type { Ask } from '../../../domain/rulebook/ask';
import { NOT_COVERED, chooseEntry } from '../../../domain/rulebook/choose-entry';
import {
  ACCOUNT,
  ORG_ID,
  OTHER_ACCOUNT,
  REGION,
  REQUESTER,
  fnArn,
  openEntry,
  orgWideEntry,
  who,
} from '../../support/fixtures';

const SPOKE = '222222222222';

const entry = (id: string, overrides: Partial<AllowlistEntry> = {}): AllowlistEntry => ({
  ...openEntry(),
  id,
  version: 1,
  updatedAt: '2026-11-26T00:00:00.000Z',
  updatedBy: 'admin',
  ...overrides,
});

type Subject = Partial<Ask> & { requester?: string };

const subject = (overrides: Subject = {}): Subject => overrides;

/** The rulebook's choice for an ask by `requester` (default: the orders CI role). */
function matchAllowlist(entries: AllowlistEntry[], { requester = REQUESTER, ...overrides }: Subject) {
  const ask: Ask = {
    functionArn: fnArn('order-processor'),
    kind: 'invoke',
    principal: 'sns.amazonaws.com',
    sourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:orders-topic`,
    eventSourceArn: null,
    principalOrgId: null,
    sourceOwner: ACCOUNT,
    lifetimeSeconds: 3600,
    extensions: 0,
    ...overrides,
  };
  return chooseEntry(entries, ask, who(requester));
}

describe('choosing the entry that permits an ask', () => {
  it('permits a request every condition of an entry allows', () => {
    const decision = matchAllowlist([entry('orders')], subject());
    expect(decision).toMatchObject({ permitted: true, entry: { id: 'orders' } });
  });

  it.each<[string, Subject, string]>([
    ['function', { functionArn: fnArn('billing') }, 'functionName'],
    ['principal', { principal: 'iot.amazonaws.com' }, 'principal'],
    ['source ARN', { sourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:billing-topic` }, 'sourceArn'],
    ['source account', { sourceOwner: OTHER_ACCOUNT }, 'sourceAccount'],
    [
      'org id',
      { principal: OTHER_ACCOUNT, sourceArn: null, sourceOwner: null, principalOrgId: 'o-zzzzzzzzzz' },
      'principalOrgId',
    ],
    ['duration', { lifetimeSeconds: 86401 }, 'durationSeconds'],
    ['extensions', { extensions: 4 }, 'extensions'],
    [
      'event source',
      {
        kind: 'eventSourceMapping',
        principal: null,
        sourceArn: null,
        eventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:billing-q`,
      },
      'eventSourceArn',
    ],
  ])('denies on %s and says so', (_name, overrides, field) => {
    const decision = matchAllowlist([entry('orders')], subject(overrides));
    expect(decision.permitted).toBe(false);
    expect(decision).toMatchObject({ field });
  });

  it('allows only the account that owns the function when an entry names no source accounts', () => {
    const own = entry('orders', { sourceAccounts: null });
    expect(matchAllowlist([own], subject({ sourceOwner: ACCOUNT })).permitted).toBe(true);
    expect(matchAllowlist([own], subject({ sourceOwner: OTHER_ACCOUNT })).permitted).toBe(false);
    const listed = entry('orders', { sourceAccounts: [OTHER_ACCOUNT] });
    expect(matchAllowlist([listed], subject({ sourceOwner: OTHER_ACCOUNT })).permitted).toBe(true);
  });

  it('takes the owner of a function in another account as its own source account (docs/deploy.md, Many accounts (hub and spokes))', () => {
    const spokeEntry = entry('spoke', {
      sourceAccounts: null,
      functions: [`arn:aws:lambda:${REGION}:${SPOKE}:function:*`],
      sourceArns: [`arn:aws:sns:${REGION}:*:orders-*`],
    });
    const inSpoke = (owner: string) =>
      subject({
        functionArn: `arn:aws:lambda:${REGION}:${SPOKE}:function:order-processor`,
        sourceArn: `arn:aws:sns:${REGION}:${owner}:orders-topic`,
        sourceOwner: owner,
      });
    expect(matchAllowlist([spokeEntry], inSpoke(SPOKE)).permitted).toBe(true);
    // The broker's own account is just another account for that function.
    expect(matchAllowlist([spokeEntry], inSpoke(ACCOUNT))).toMatchObject({ permitted: false, field: 'sourceAccount' });
  });

  it('permits an org-wide grant only for a listed org', () => {
    const s = subject({ principal: '*', sourceArn: null, sourceOwner: null, principalOrgId: ORG_ID });
    expect(matchAllowlist([entry('orders')], s)).toMatchObject({ permitted: false, field: 'principal' });
    const orgWide = { ...orgWideEntry(), id: 'org', version: 1, updatedAt: '', updatedBy: '' };
    expect(matchAllowlist([entry('orders'), orgWide], s)).toMatchObject({
      permitted: true,
      entry: { id: 'org' },
    });
    expect(matchAllowlist([orgWide], { ...s, principalOrgId: 'o-zzzzzzzzzz' }).permitted).toBe(false);
  });

  it('reports the entry that came closest', () => {
    const far = entry('a-far', { functions: [fnArn('billing-*')] });
    const near = entry('b-near', { maxDurationSeconds: 600 });
    // Both list the requester; the one that got further explains the refusal.
    const decision = matchAllowlist([far, near], subject());
    expect(decision).toMatchObject({ permitted: false, field: 'durationSeconds' });
  });

  it('denies on an empty allowlist', () => {
    expect(matchAllowlist([], subject())).toMatchObject({ permitted: false, field: 'functionName' });
  });

  it('refuses a requester no entry lists in the same words, whether or not another entry covers the function', () => {
    const billing = `arn:aws:iam::${ACCOUNT}:role/billing-ci`;
    const covered = matchAllowlist([entry('orders')], subject({ requester: billing }));
    const uncovered = matchAllowlist([entry('orders')], subject({ requester: billing, functionArn: fnArn('nothing') }));
    expect(covered).toEqual({ permitted: false, field: 'functionName', reason: NOT_COVERED });
    expect(uncovered).toEqual(covered);
  });

  it("names the failed condition of the requester's own entry, and only of its own", () => {
    const theirs = entry('a-theirs', { requesters: ['arn:aws:iam::*:role/billing-*'], maxDurationSeconds: 600 });
    const mine = entry('b-mine', { principals: ['events.amazonaws.com'] });
    expect(matchAllowlist([theirs, mine], subject())).toMatchObject({ permitted: false, field: 'principal' });
    expect(matchAllowlist([theirs], subject())).toEqual({
      permitted: false,
      field: 'functionName',
      reason: NOT_COVERED,
    });
  });

  it('chooses the same entry whatever order the entries come in', () => {
    const ids = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(ids, fc.infiniteStream(fc.boolean()), (names, permits) => {
        const entries = names.map((id) => entry(id, permits.next().value ? {} : { requesters: ['nobody'] }));
        const first = matchAllowlist(entries, subject());
        const second = matchAllowlist([...entries].reverse(), subject());
        expect(second).toEqual(first);
        if (first.permitted) {
          const permitting = entries.filter((e) => e.requesters[0] !== 'nobody').map((e) => e.id);
          expect(first.entry.id).toBe([...permitting].sort()[0]);
        }
      }),
    );
  });
});

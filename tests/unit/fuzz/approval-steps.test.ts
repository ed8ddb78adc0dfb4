/**
 * The rulebook's properties for approver groups and approval steps (docs/api.md, Approvers as organisations name
 * them), each over FUZZ_RUNS random worlds: people spelled every way (sessions, Slack links), workloads, an identity
 * store whose memberships the generator knows, entries with one to three steps of patterns and groups.
 * - a caller is an eligible approver by a group exactly when the identity store has the person behind it in the group;
 * - one person counts in one step only and the requester in none, every counted approval is by someone eligible in
 *   its step, and a request is approved exactly when every step has its count.
 */
import fc from 'fast-check';
import { DomainError } from '../../../domain/errors';
import type { AllowlistEntry, ApprovalStep } from '../../../domain/model/allowlist-entry';
import type { GrantRequest } from '../../../domain/model/request';
import { isEligibleApprover } from '../../../domain/rulebook/access';
import { groupPattern, namedByAny } from '../../../domain/rulebook/principal-patterns';
import { identityFromArn, identityOfSlackUser, type Identity } from '../../../domain/rulebook/identity';
import { makeResolveIdentity } from '../../../domain/rulebook/resolve-identity';
import { ACCOUNT, ADMIN, PRINCIPAL_CASES, baseAsk, openEntry, settings } from '../../support/fixtures';
import { inMemoryApp } from '../../support/in-memory-app';
import { FUZZ_RUNS } from './generators';

const SETS = ['AWSReservedSSO_Dev_1a2b', 'AWSReservedSSO_Lead_3c4d'];
const PEOPLE = ['alice', 'bob', 'carol', 'dave'];
const GROUPS = ['owners', 'security', 'finance'];
const SLACK_LINKS: Record<string, string> = { 'slack:U0ALICE': 'person:Alice', 'slack:U0BOB': 'person:bob' };
const RULES = { personRoles: settings.personRoles, identityLinks: SLACK_LINKS };
const WORKLOAD = `arn:aws:iam::${ACCOUNT}:role/release-bot`;

/** A caller and the human behind it (null: a workload, which no group has). */
interface Caller {
  arn: string;
  human: string | null;
}
const casing = (text: string) => fc.constantFrom(text, text.toUpperCase(), text[0]!.toUpperCase() + text.slice(1));
const person: fc.Arbitrary<Caller> = fc
  .record({ human: fc.constantFrom(...PEOPLE), set: fc.constantFrom(...SETS) })
  .chain(({ human, set }) =>
    casing(human).map((spelled) => ({ arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${set}/${spelled}`, human })),
  );
const others: fc.Arbitrary<Caller> = fc.constantFrom(
  { arn: 'slack:U0ALICE', human: 'alice' },
  { arn: 'slack:U0BOB', human: 'bob' },
  { arn: 'slack:U0NOBODY', human: null },
  { arn: WORKLOAD, human: null },
  { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/release-bot/build-1`, human: null },
);
const caller = fc.oneof({ arbitrary: person, weight: 4 }, { arbitrary: others, weight: 1 });
const identityOf = (c: Caller): Identity =>
  c.arn.startsWith('slack:') ? identityOfSlackUser(c.arn.slice(6), RULES) : (identityFromArn(c.arn, RULES) as Identity);

/** Who the identity store has in each group. */
const memberships = fc.record(Object.fromEntries(GROUPS.map((g) => [g, fc.subarray(PEOPLE)])));
const approverPattern = fc.constantFrom(
  `arn:aws:iam::*:role/AWSReservedSSO_Lead_*`,
  WORKLOAD,
  'slack:U0BOB',
  `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_1a2b/carol`,
);
const stepOf = (name: string): fc.Arbitrary<ApprovalStep> =>
  fc
    .record({
      approvers: fc.array(approverPattern, { maxLength: 2 }),
      approverGroups: fc.subarray(GROUPS, { maxLength: 2 }),
      requiredApprovals: fc.integer({ min: 1, max: 2 }),
    })
    .filter((s) => s.approvers.length + s.approverGroups.length > 0)
    .map((s) => ({ name, ...s, slackChannel: null }));
const steps = fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...['s1', 's2', 's3'].slice(0, n).map(stepOf)));

const ctx = inMemoryApp({
  BROKER_SLACK_USERS: Object.entries(SLACK_LINKS)
    .map(([user, link]) => `${user.slice('slack:'.length)}=${link}`)
    .join(','),
});

/** A fresh world: this identity store, no requests. */
function setup(members: Record<string, string[]>) {
  ctx.groups.members.clear();
  for (const [group, people] of Object.entries(members)) ctx.groups.add(group, ...people);
  ctx.store.requests.clear();
  return ctx;
}

describe('approver groups and approval steps', () => {
  it('makes a caller an approver by group exactly when the identity store has its person in the group', async () => {
    const seen = { member: 0, not: 0 };
    await fc.assert(
      fc.asyncProperty(memberships, fc.subarray(GROUPS, { minLength: 1 }), caller, async (members, groups, c) => {
        setup(members);
        const entry = { ...openEntry({ approvers: [], approverGroups: groups }), id: 'e' } as AllowlistEntry;
        const resolve = makeResolveIdentity(ctx.roleDirectory, ctx.groups);
        const who = await resolve(identityOf(c), groups.map(groupPattern));
        const truth = c.human !== null && groups.some((g) => members[g]?.includes(c.human as string));
        expect(isEligibleApprover(entry, who)).toBe(truth);
        seen[truth ? 'member' : 'not'] += 1;
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(Math.min(seen.member, seen.not)).toBeGreaterThan(FUZZ_RUNS / 20);
  });

  it('counts one person in one step only, never the requester, and approves exactly when every step is met', async () => {
    const seen = { approved: 0, pending: 0, severalSteps: 0 };
    await fc.assert(
      fc.asyncProperty(
        memberships,
        steps,
        person,
        fc.array(fc.record({ by: caller, step: fc.option(fc.constantFrom('s1', 's2', 's3'), { nil: null }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (members, entrySteps, requester, approvals) => {
          setup(members);
          const entry: AllowlistEntry = {
            ...openEntry({ requesters: ['*'], approvers: [], approvalSteps: entrySteps }),
            id: 'e',
            version: 1,
            updatedAt: '2026-12-01T00:00:00.000Z',
            updatedBy: ADMIN,
          };
          ctx.allowlist.entries.set('e', entry);
          const { request } = await ctx.app.createRequest({
            caller: identityOf(requester),
            ask: { ...baseAsk, ...PRINCIPAL_CASES[2].ask },
            dryRun: false,
            idempotencyKey: null,
          });
          const humanOf = new Map<string, string | null>([[request.requester, requester.human]]);
          for (const a of approvals) {
            humanOf.set(identityOf(a.by).arn, a.by.human ?? a.by.arn);
            await ctx.app.decide
              .approve({ approver: identityOf(a.by), id: request.id, comment: null, step: a.step })
              .catch((error: unknown) => {
                if (!(error instanceof DomainError)) throw error;
              });
          }
          const stored = ctx.store.requests.get(request.id) as GrantRequest;
          const counted = stored.approvals.filter((a) => a.counted);
          const humans = counted.map((a) => humanOf.get(a.approver));
          expect(new Set(humans).size).toBe(humans.length);
          expect(humans).not.toContain(requester.human);
          // Each counted approval is by someone eligible in its step: by pattern, or by the store's truth.
          for (const a of counted) {
            const step = entrySteps.find((s) => s.name === a.step) as ApprovalStep;
            const human = humanOf.get(a.approver) ?? '';
            const byGroup = step.approverGroups.some((g) => members[g]?.includes(human));
            const byPattern = namedByAny(step.approvers, identityOf({ arn: a.approver, human }));
            expect(byGroup || byPattern).toBe(true);
          }
          const met = entrySteps.every((s) => counted.filter((a) => a.step === s.name).length >= s.requiredApprovals);
          expect(stored.status !== 'PENDING').toBe(met);
          seen[met ? 'approved' : 'pending'] += 1;
          if (met && entrySteps.length > 1) seen.severalSteps += 1;
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    expect(Math.min(seen.approved, seen.pending)).toBeGreaterThan(FUZZ_RUNS / 50);
    // Rarer (every step met by different people), yet thousands of times more than zero would allow.
    expect(seen.severalSteps).toBeGreaterThan(FUZZ_RUNS / 400);
  });
});

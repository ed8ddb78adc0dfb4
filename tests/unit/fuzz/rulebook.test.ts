/**
 * The one rulebook's properties (issue #19), each over FUZZ_RUNS (10,000) random worlds: entries, callers with roles
 * in two accounts (some with paths, some unreadable), Identity Center people spelled every way, Slack links.
 * - the catalog lists an entry exactly when a create within its limits is not refused for its requester;
 * - the impact preview of a change is what the re-check then does;
 * - a live grant is kept exactly when a fresh ask for its remaining time and extensions would be allowed now;
 * - one person never holds two counted approvals, and the requester none, however its sessions are spelled;
 * - a pattern never matches a principal its text does not describe.
 * Where a property needs the truth about who is who, the generators know it (the human behind each spelling, the
 * path IAM holds), independently of the rulebook's own person keys.
 */
import fc from 'fast-check';
import { AllowlistDeniedError, DomainError } from '../../../domain/errors';
import type { AllowlistEntry, AllowlistEntryInput } from '../../../domain/model/allowlist-entry';
import type { GrantRequest } from '../../../domain/model/request';
import { liveAsk, type Ask } from '../../../domain/rulebook/ask';
import { chooseEntry } from '../../../domain/rulebook/choose-entry';
import { identityFromArn, identityOfSlackUser, type Identity } from '../../../domain/rulebook/identity';
import { judgeLive } from '../../../domain/rulebook/live-grant';
import { namedByAny } from '../../../domain/rulebook/principal-patterns';
import { makeResolveIdentity } from '../../../domain/rulebook/resolve-identity';
import { makeAllowlistRecheck, type ImpactReport } from '../../../domain/use-cases/recheck-allowlist';
import { makeRequireAdmin } from '../../../domain/use-cases/require-admin';
import {
  ACCOUNT,
  ADMIN,
  PRINCIPAL_CASES,
  REGION,
  SPOKE_ACCOUNT,
  baseAsk,
  fnArn,
  openEntry,
  settings,
  who,
} from '../../support/fixtures';
import { inMemoryApp } from '../../support/in-memory-app';
import { FUZZ_RUNS, oracle } from './generators';

const A = ACCOUNT;
const B = SPOKE_ACCOUNT;
const SSO = '/aws-reserved/sso.amazonaws.com/';
const PERSON_SETS = ['AWSReservedSSO_Dev_1a2b', 'AWSReservedSSO_Lead_3c4d'];
const WORKLOAD_ROLES = ['orders-ci', 'payments-ci', 'intern', 'release-bot'];
const PATHS = ['/', '/payments/', '/payments/team/', '/interns/', SSO];
const PEOPLE = ['alice@example.com', 'bob@example.com', 'carol@example.com'];
/** Slack users and who they are linked to (U0NOBODY is linked to nobody). */
const SLACK_LINKS: Record<string, string> = {
  'slack:U0ALICE': 'person:Alice@Example.com',
  'slack:U0BOB': 'person:bob@example.com',
  'slack:U0BOT': `arn:aws:iam::${A}:role/release-bot`,
};
const RULES = { personRoles: settings.personRoles, identityLinks: SLACK_LINKS };
const slashes = (text: string) => text.split('/').length - 1;

// ---------------------------------------------------------------------------------------------------------------
// Who is who: a caller, the truth about it (its role's path in IAM, the human behind it), and its ARN.

interface Caller {
  /** What authenticates it: an ARN, or `slack:<id>`. */
  arn: string;
  /** The human (or workload role) behind it, as the world knows it. */
  human: string;
  /** The role and the path IAM holds for it (null: the role cannot be read). */
  role: { account: string; name: string; path: string | null } | null;
}

const casing = (text: string) => fc.constantFrom(text, text.toUpperCase(), text[0]!.toUpperCase() + text.slice(1));

const personSession: fc.Arbitrary<Caller> = fc
  .record({ person: fc.constantFrom(...PEOPLE), set: fc.constantFrom(...PERSON_SETS), account: fc.constantFrom(A, B) })
  .chain(({ person, set, account }) =>
    casing(person).map((spelled) => ({
      arn: `arn:aws:sts::${account}:assumed-role/${set}/${spelled}`,
      human: person,
      role: { account, name: set, path: SSO },
    })),
  );

const workloadCaller: fc.Arbitrary<Caller> = fc
  .record({
    name: fc.constantFrom(...WORKLOAD_ROLES),
    account: fc.constantFrom(A, B),
    path: fc.option(fc.constantFrom(...PATHS), { nil: null }),
    as: fc.constantFrom('session', 'role', 'role with path'),
    session: fc.constantFrom('build-1', 'build-2'),
  })
  .map(({ name, account, path, as, session }) => ({
    arn:
      as === 'session'
        ? `arn:aws:sts::${account}:assumed-role/${name}/${session}`
        : `arn:aws:iam::${account}:role${as === 'role with path' && path !== null ? path : '/'}${name}`,
    human: `role ${account} ${name}`,
    // A role ARN given with its path (header mode) is that role; IAM agrees.
    role: { account, name, path: as === 'role with path' && path === null ? '/' : path },
  }));

const userCaller: fc.Arbitrary<Caller> = fc
  .constantFrom(`arn:aws:iam::${A}:user/division/dave`, `arn:aws:iam::${B}:user/erin`)
  .map((arn) => ({ arn, human: arn, role: null }));

const slackCaller: fc.Arbitrary<Caller> = fc.constantFrom(
  { arn: 'slack:U0ALICE', human: 'alice@example.com', role: null },
  { arn: 'slack:U0BOB', human: 'bob@example.com', role: null },
  { arn: 'slack:U0BOT', human: `role ${A} release-bot`, role: null },
  { arn: 'slack:U0NOBODY', human: 'slack:U0NOBODY', role: null },
);

const iamCaller = fc.oneof(personSession, workloadCaller, userCaller);
const anyCaller = fc.oneof(iamCaller, slackCaller);

/** The identity the edge builds (its role path not read yet). */
const edgeIdentity = (c: Caller): Identity =>
  c.arn.startsWith('slack:')
    ? identityOfSlackUser(c.arn.slice('slack:'.length), RULES)
    : (identityFromArn(c.arn, RULES) as Identity);

/** The identity with the role path IAM would give it. */
const withTruePath = (c: Caller): Identity => {
  const id = edgeIdentity(c);
  return id.role && c.role ? { ...id, role: { ...id.role, path: c.role.path } } : id;
};

// ---------------------------------------------------------------------------------------------------------------
// Patterns of requesters and approvers, with paths and wildcards in them.

const accountPattern = fc.constantFrom(A, B, '*', '1234*', '????????????');
const identityPattern = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        accountPattern,
        fc.constantFrom(
          '/',
          '/payments/',
          '/*/',
          '/pay*/',
          SSO,
          '/payments/*/',
          '/*',
          '/interns/',
          '*/',
          '/payments/team/',
        ),
        fc.constantFrom('*', 'orders-*', 'intern', 'AWSReservedSSO_*', 'AWSReservedSSO_Lead_*', '*ci', 'release-bot'),
      )
      .map(([account, path, name]) => `arn:aws:iam::${account}:role${path}${name}`),
  },
  fc
    .tuple(
      accountPattern,
      fc.constantFrom('*', 'AWSReservedSSO_Lead_*', 'orders-ci', 'release-bot'),
      fc.constantFrom('*', 'alice@*', 'build-1', 'ALICE@example.com'),
    )
    .map(([account, role, name]) => `arn:aws:sts::${account}:assumed-role/${role}/${name}`),
  fc.constantFrom(
    '*',
    `arn:aws:iam::${A}:user/*`,
    `arn:aws:iam::${A}:user/dave`,
    'arn:aws:iam::*:*/intern',
    `arn:aws:iam::${A}:role?payments/*`,
    `arn:aws:iam::${A}:role*`,
    'slack:U0ALICE',
    'slack:*',
  ),
);

/** Every role the world has, as the in-memory IAM holds it (unreadable ones are left out). */
function rolesOf(callers: readonly Caller[]) {
  return callers.flatMap((c) =>
    c.role && c.role.path !== null ? [`arn:aws:iam::${c.role.account}:role${c.role.path}${c.role.name}`] : [],
  );
}

/** Every role of the world as IAM holds it, for the worlds that need them all. */
const ALL_ROLES = [
  ...[A, B].flatMap((account) => PERSON_SETS.map((set) => `arn:aws:iam::${account}:role${SSO}${set}`)),
  `arn:aws:iam::${A}:role/release-bot`,
  `arn:aws:iam::${B}:role/payments/orders-ci`,
  `arn:aws:iam::${A}:role/interns/intern`,
];

// ---------------------------------------------------------------------------------------------------------------
// Entries, and asks within their limits.

const TOPIC = `arn:aws:sns:${REGION}:${A}:orders-topic`;
/** Some of these, or (covering) at least one that allows the SNS ask of the fixtures. */
const someOf = (covering: readonly string[], others: readonly string[], cover: boolean) =>
  cover
    ? fc.tuple(fc.constantFrom(...covering), fc.subarray([...others])).map(([one, rest]) => [one, ...rest])
    : fc.subarray([...covering, ...others], { minLength: 1 });

/** An entry; with `cover`, one that allows the fixtures' SNS ask on order-processor for some duration. */
const entryOf = (cover: boolean) =>
  fc
    .record({
      requesters: fc.array(identityPattern, { maxLength: 3 }),
      approvers: fc.array(identityPattern, { minLength: 1, maxLength: 3 }),
      functions: someOf([fnArn('order-*'), fnArn('order-processor'), `arn:aws:lambda:*:${A}:function:*`], [], cover),
      principals: someOf(['sns.amazonaws.com', 'sns.*', '*'], ['events.amazonaws.com'], cover),
      sourceArns: someOf([TOPIC, `arn:aws:sns:${REGION}:${A}:orders-*`, 'arn:aws:sns:*'], ['arn:aws:events:*'], cover),
      maxDurationSeconds: fc.integer({ min: 300, max: 14 * 86400 }),
      maxExtensions: fc.integer({ min: 0, max: 3 }),
      requiredApprovals: fc.integer({ min: 1, max: 3 }),
    })
    .map((parts): AllowlistEntryInput =>
      openEntry({
        ...parts,
        // A quorum the named approvers can reach: an admin's PUT refuses any other.
        requiredApprovals: parts.approvers.some((p) => p.includes('*') || p.includes('?'))
          ? parts.requiredApprovals
          : Math.min(parts.requiredApprovals, new Set(parts.approvers).size),
      }),
    );
const entryArb = entryOf(false);

const asEntry = (id: string, input: AllowlistEntryInput): AllowlistEntry => ({
  id,
  ...input,
  version: 1,
  updatedAt: '2026-12-01T00:00:00.000Z',
  updatedBy: ADMIN,
});

/** The SNS ask of the fixtures, on order-processor: within an entry's limits when its duration is. */
const snsAsk = (durationSeconds: number) => ({ ...baseAsk, ...PRINCIPAL_CASES[2].ask, durationSeconds });

// ---------------------------------------------------------------------------------------------------------------

describe('the one rulebook', () => {
  it('lists an entry in the catalog exactly when a create within its limits is not refused for its requester', async () => {
    const ctx = inMemoryApp({ BROKER_TARGET_ACCOUNTS: `${A},${B}` });
    const seen = { listed: 0, unlisted: 0 };
    await fc.assert(
      fc.asyncProperty(entryOf(true), iamCaller, fc.double({ min: 0, max: 1, noNaN: true }), async (input, c, at) => {
        const entry = asEntry('entry', input);
        ctx.allowlist.entries.clear();
        ctx.allowlist.entries.set(entry.id, entry);
        ctx.roleDirectory.paths.clear();
        for (const role of rolesOf([c])) ctx.roleDirectory.put(role);
        const caller = edgeIdentity(c);
        const listed = (await ctx.app.catalog(caller)).some((item) => item.entryId === entry.id);
        // Within the entry's limits: a duration from the minimum to its maximum.
        const duration = 300 + Math.floor(at * (entry.maxDurationSeconds - 300));
        const refused = await ctx.app
          .createRequest({ caller, ask: snsAsk(duration), dryRun: true, idempotencyKey: null })
          .then(
            () => false,
            (error: unknown) => {
              if (error instanceof AllowlistDeniedError) return true;
              throw error;
            },
          );
        expect(listed).toBe(!refused);
        seen[listed ? 'listed' : 'unlisted'] += 1;
      }),
      { numRuns: FUZZ_RUNS },
    );
    // Not vacuous: both answers come up often.
    // About 1,250 listed in 10,000: the bound leaves room for the generator's spread.
    expect(Math.min(seen.listed, seen.unlisted)).toBeGreaterThan(FUZZ_RUNS / 20);
  });

  it('re-checks exactly as the impact preview of the change said', async () => {
    const ctx = inMemoryApp({ BROKER_TARGET_ACCOUNTS: `${A},${B}` });
    for (const role of ALL_ROLES) ctx.roleDirectory.put(role);
    const resolveIdentity = makeResolveIdentity(ctx.roleDirectory);
    const recheck = makeAllowlistRecheck({
      store: ctx.store,
      allowlist: ctx.allowlist,
      clock: ctx.clock,
      settings,
      resolveIdentity,
      requireAdmin: makeRequireAdmin({ settings, resolveIdentity }),
    });
    await ctx.app.allowlist.put(who(ADMIN), 'seed', openEntry({ requesters: ['*'], maxDurationSeconds: 31 * 86400 }));
    const template = await ctx.app
      .createRequest({
        caller: who(`arn:aws:iam::${A}:role/orders-ci`),
        ask: snsAsk(3600),
        dryRun: true,
        idempotencyKey: null,
      })
      .then((r) => r.request);
    const liveRequest = fc.record({
      requester: iamCaller,
      status: fc.constantFrom<'PENDING' | 'APPROVED' | 'ACTIVE'>('PENDING', 'APPROVED', 'ACTIVE'),
      durationSeconds: fc.integer({ min: 300, max: 10 * 86400 }),
      remaining: fc.integer({ min: 1, max: 12 * 86400 }),
      extended: fc.integer({ min: 0, max: 4 }),
      entryId: fc.constantFrom('a', 'b'),
      adopted: fc.boolean(),
    });
    const seen = { kept: 0, rematched: 0, ended: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(liveRequest, { minLength: 1, maxLength: 5 }),
        entryArb,
        entryArb,
        fc.option(entryArb, { nil: null }),
        async (requests, a, b, change) => {
          ctx.store.requests.clear();
          ctx.allowlist.entries.clear();
          ctx.allowlist.entries.set('a', asEntry('a', a));
          ctx.allowlist.entries.set('b', asEntry('b', b));
          const now = ctx.clock.now().getTime();
          requests.forEach((spec, i) => {
            const id = `req-${i}`;
            const r: GrantRequest = {
              ...structuredClone(template),
              id,
              status: spec.status,
              requester: edgeIdentity(spec.requester).arn,
              requesterPerson: edgeIdentity(spec.requester).person,
              durationSeconds: spec.durationSeconds,
              allowlistEntryId: spec.entryId,
              expiresAt: spec.status === 'ACTIVE' ? new Date(now + spec.remaining * 1000).toISOString() : null,
              history: [
                { at: template.createdAt, event: spec.adopted ? 'ADOPTED' : 'CREATED', actor: ADMIN, detail: {} },
                ...Array.from({ length: spec.status === 'ACTIVE' ? spec.extended : 0 }, () => ({
                  at: template.createdAt,
                  event: 'EXTENDED' as const,
                  actor: ADMIN,
                  detail: {},
                })),
              ],
            };
            ctx.store.requests.set(id, r);
          });
          const preview = await recheck.preview(who(ADMIN), 'a', change);
          if (change === null) ctx.allowlist.entries.delete('a');
          else ctx.allowlist.entries.set('a', asEntry('a', change));
          const done: ImpactReport = { kept: [], rematched: [], ended: [] };
          let after: string | null = null;
          do {
            const run = await recheck.recheck('a', after, ctx.clock.now());
            done.kept.push(...run.report.kept);
            done.rematched.push(...run.report.rematched);
            done.ended.push(...run.report.ended);
            after = run.next;
          } while (after !== null);
          expect(done).toEqual(preview);
          seen.kept += done.kept.length;
          seen.rematched += done.rematched.length;
          seen.ended += done.ended.length;
          // And the store says the same: ended requests ended (or are on their way out), moved ones moved.
          for (const { id, entryId } of done.rematched)
            expect(ctx.store.requests.get(id)?.allowlistEntryId).toBe(entryId);
          for (const { id } of done.ended) {
            const r = ctx.store.requests.get(id) as GrantRequest;
            expect(r.status === 'REJECTED' || r.status === 'REVOKED' || r.ending !== null).toBe(true);
          }
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    expect(Math.min(seen.kept, seen.rematched, seen.ended)).toBeGreaterThan(FUZZ_RUNS / 20);
  });

  it('keeps a live grant exactly when a fresh ask for its remaining time and extensions would be allowed now', () => {
    const now = new Date('2026-12-06T12:00:00.000Z');
    const seen = { kept: 0, ended: 0 };
    fc.assert(
      fc.property(
        fc.array(entryArb, { minLength: 1, maxLength: 3 }),
        iamCaller,
        fc.record({
          remainingMs: fc.integer({ min: 1, max: 12 * 86400 * 1000 }),
          extended: fc.integer({ min: 0, max: 4 }),
          extension: fc.option(fc.integer({ min: 300, max: 3 * 86400 }), { nil: null }),
          ownEntry: fc.nat({ max: 2 }),
        }),
        (inputs, c, spec) => {
          const entries = inputs.map((input, i) => asEntry(`e${i}`, input));
          const requester = withTruePath(c);
          const grant = {
            kind: 'invoke',
            status: 'ACTIVE',
            functionArn: fnArn('order-processor'),
            principal: 'sns.amazonaws.com',
            sourceArn: TOPIC,
            sourceAccount: null,
            principalOrgId: null,
            eventSourceArn: null,
            durationSeconds: 3600,
            allowlistEntryId: `e${spec.ownEntry}`,
            expiresAt: new Date(now.getTime() + spec.remainingMs).toISOString(),
            extends: null,
            history: Array.from({ length: spec.extended }, () => ({ event: 'EXTENDED' })),
          } as unknown as GrantRequest;
          const judged =
            spec.extension === null
              ? grant
              : ({
                  ...grant,
                  status: 'PENDING',
                  extends: 'grant',
                  durationSeconds: spec.extension,
                  history: [],
                } as GrantRequest);
          const outcome = judgeLive(judged, entries, liveAsk(judged, now, grant), requester);
          // The fresh ask, computed here: whole seconds still to go (plus what the extension adds), and the
          // extensions taken (plus the one asked for).
          const remaining = Math.ceil(spec.remainingMs / 1000);
          const fresh: Ask = {
            functionArn: fnArn('order-processor'),
            kind: 'invoke',
            principal: 'sns.amazonaws.com',
            sourceArn: TOPIC,
            eventSourceArn: null,
            principalOrgId: null,
            sourceOwner: A,
            lifetimeSeconds: remaining + (spec.extension ?? 0),
            extensions: spec.extended + (spec.extension === null ? 0 : 1),
          };
          expect(outcome.kind !== 'ended').toBe(chooseEntry(entries, fresh, requester).permitted);
          seen[outcome.kind === 'ended' ? 'ended' : 'kept'] += 1;
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    expect(Math.min(seen.kept, seen.ended)).toBeGreaterThan(FUZZ_RUNS / 50);
  });

  it('never lets one person hold two counted approvals, nor the requester one, however its sessions are spelled', async () => {
    const ctx = inMemoryApp({
      BROKER_TARGET_ACCOUNTS: `${A},${B}`,
      BROKER_SLACK_USERS: Object.entries(SLACK_LINKS)
        .map(([user, link]) => `${user.slice('slack:'.length)}=${link}`)
        .join(','),
    });
    for (const role of ALL_ROLES) ctx.roleDirectory.put(role);
    const approverPatterns = fc.array(
      fc.oneof(
        identityPattern,
        fc.constantFrom(`arn:aws:iam::*:role${SSO}AWSReservedSSO_*`, 'arn:aws:iam::*:role/release-bot', 'slack:*'),
      ),
      { minLength: 1, maxLength: 4 },
    );
    const step = fc.oneof(
      anyCaller.map((c) => ({ approve: c })),
      fc.record({ approvers: approverPatterns, requiredApprovals: fc.integer({ min: 1, max: 4 }) }),
    );
    let quorums = 0;
    await fc.assert(
      fc.asyncProperty(
        personSession,
        approverPatterns,
        fc.array(step, { minLength: 1, maxLength: 6 }),
        async (requester, approvers, steps) => {
          ctx.store.requests.clear();
          const entry = (patterns: string[], requiredApprovals: number) =>
            asEntry('e', openEntry({ requesters: ['*'], approvers: patterns, requiredApprovals }));
          ctx.allowlist.entries.set('e', entry(approvers, 3));
          const { request } = await ctx.app.createRequest({
            caller: edgeIdentity(requester),
            ask: snsAsk(3600),
            dryRun: false,
            idempotencyKey: null,
          });
          // Keyed as requests show the acting identity (a workload's session shows as its role).
          const humanOf = new Map<string, string>([[request.requester, requester.human]]);
          for (const s of steps) {
            if ('approvers' in s) {
              ctx.allowlist.entries.set('e', entry(s.approvers, s.requiredApprovals));
              continue;
            }
            humanOf.set(edgeIdentity(s.approve).arn, s.approve.human);
            await ctx.app.decide
              .approve({ approver: edgeIdentity(s.approve), id: request.id, comment: null })
              .catch((error: unknown) => {
                // Refusals (not an approver, own request, already approved, decided) change nothing.
                if (!(error instanceof DomainError)) throw error;
              });
          }
          const stored = ctx.store.requests.get(request.id) as GrantRequest;
          const countedHumans = stored.approvals.filter((a) => a.counted).map((a) => humanOf.get(a.approver));
          expect(new Set(countedHumans).size).toBe(countedHumans.length);
          expect(countedHumans).not.toContain(requester.human);
          // Nobody approves twice at all.
          const allHumans = stored.approvals.map((a) => humanOf.get(a.approver));
          expect(new Set(allHumans).size).toBe(allHumans.length);
          if (countedHumans.length >= 2) quorums += 1;
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    // Not vacuous: many worlds gather two or more counted approvals (about 500–580 in 10,000; a bound of 500 failed
    // one run under load with 487, so the bound sits well below).
    expect(quorums).toBeGreaterThan(FUZZ_RUNS / 40);
  });

  it('never matches a principal its text does not describe: role paths, wildcards in paths', () => {
    const seen = { byPath: 0, byName: 0, not: 0 };
    fc.assert(
      fc.property(identityPattern, anyCaller, (pattern, c) => {
        const id = withTruePath(c);
        const named = namedByAny([pattern], id);
        // What the text describes, read with an independent matcher: the caller's own names, and its role with the
        // path IAM holds; a text with no second `/` names a role by its name, in any path.
        const own = [
          id.slack,
          id.user,
          id.session && c.role && `arn:aws:sts::${c.role.account}:assumed-role/${c.role.name}/${id.session}`,
        ];
        const role = c.role;
        const described =
          own.some((name) => typeof name === 'string' && oracle(pattern, name)) ||
          (role !== null &&
            (slashes(pattern) >= 2
              ? role.path !== null && oracle(pattern, `arn:aws:iam::${role.account}:role${role.path}${role.name}`)
              : oracle(pattern, `arn:aws:iam::${role.account}:role/${role.name}`)));
        expect(named).toBe(described);
        if (!named) seen.not += 1;
        else seen[slashes(pattern) >= 2 ? 'byPath' : 'byName'] += 1;
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(Math.min(seen.byPath, seen.byName, seen.not)).toBeGreaterThan(FUZZ_RUNS / 200);
  });
});

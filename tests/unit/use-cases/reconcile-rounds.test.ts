/**
 * The hourly reconcile over many accounts (issue #20, point 3; docs/runbook.md, Drift findings): each run goes on where
 * the last one stopped, works through the accounts side by side, reads each account's policies at half its Lambda
 * budget at most, and says how old its least recently checked function is. In memory on virtual time: a run of 8 s
 * checks about 40 functions per account, so 200 per account take several runs.
 */
import { AccountUnreachableError } from '../../../domain/errors';
import { ADMIN, openEntry, who } from '../../support/fixtures';
import { inMemoryApp } from '../../support/in-memory-app';

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const PER_ACCOUNT = 200;
const RPS = 10;
const RUN_MS = 8_000;
const HOUR = 3600;

const arnIn = (account: string, i: number) =>
  `arn:aws:lambda:us-east-1:${account}:function:team-${String(i).padStart(3, '0')}`;
const accountOf = (arn: string) => arn.split(':')[4] as string;

async function setup() {
  const ctx = inMemoryApp({}, { virtualTime: true }, { targetAccounts: ACCOUNTS, lambdaRps: RPS });
  await ctx.app.allowlist.put(
    who(ADMIN),
    'teams',
    openEntry({ functions: ['arn:aws:lambda:us-east-1:*:function:team-*'] }),
  );
  const down = new Set<string>();
  ctx.functions.listArns = (account) =>
    down.has(account)
      ? Promise.reject(new AccountUnreachableError(account, `account ${account} is unreachable`))
      : Promise.resolve(Array.from({ length: PER_ACCOUNT }, (_, i) => arnIn(account, i)));
  /** Every policy read of the runs: which function, when (virtual ms). */
  const reads: { arn: string; at: number }[] = [];
  const read = ctx.policies.read.bind(ctx.policies);
  ctx.policies.read = (target) => {
    reads.push({ arn: target.functionName, at: ctx.clock.now().getTime() });
    return read(target);
  };
  /** One hourly run, an hour after the last; the reads it made. */
  const hourly = async () => {
    ctx.clock.advance(HOUR);
    const from = reads.length;
    const report = await ctx.app.reconcile({ resume: true, budgetMs: RUN_MS });
    return { report, reads: reads.slice(from) };
  };
  return { ...ctx, reads, hourly, down };
}

const readsOf = <T extends { arn: string }>(reads: T[], account: string) =>
  reads.filter((r) => accountOf(r.arn) === account);

describe('the hourly reconcile over 3 accounts × 200 functions', () => {
  it('reaches every function within a bounded number of runs, each account going on where it stopped', async () => {
    const { hourly } = await setup();
    const perRun = (RUN_MS / 1000) * (RPS / 2);
    const bound = Math.ceil(PER_ACCOUNT / perRun) + 1;
    const seen = new Set<string>();
    const lastOf = new Map<string, string>();
    let runs = 0;
    while (seen.size < ACCOUNTS.length * PER_ACCOUNT && runs < bound) {
      const { reads } = await hourly();
      runs++;
      for (const account of ACCOUNTS) {
        const own = readsOf(reads, account).map((r) => r.arn);
        // Side by side: every account moves in every run, not one after another.
        expect(own.length).toBeGreaterThanOrEqual(perRun * 0.75);
        // Where the last run stopped: the function after the last one it read (the first run: the first one).
        const previous = lastOf.get(account);
        expect(own[0]).toBe(
          previous === undefined ? arnIn(account, 0) : arnIn(account, Number(previous.slice(-3)) + 1),
        );
        lastOf.set(account, own.at(-1) as string);
        own.forEach((arn) => seen.add(arn));
      }
    }
    expect(seen.size).toBe(ACCOUNTS.length * PER_ACCOUNT);
    expect(runs).toBeGreaterThan(1);
    expect(runs).toBeLessThanOrEqual(bound);
  });

  it('reads each account’s policies at half its budget at most, and at that pace', async () => {
    const { hourly } = await setup();
    const { reads } = await hourly();
    for (const account of ACCOUNTS) {
      const own = readsOf(reads, account);
      const perSecond = new Map<number, number>();
      for (const r of own) perSecond.set(Math.floor(r.at / 1000), (perSecond.get(Math.floor(r.at / 1000)) ?? 0) + 1);
      expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(RPS / 2);
      // Not slower than it may be either: close to half the budget over the run.
      expect(own.length).toBeGreaterThanOrEqual((RUN_MS / 1000) * (RPS / 2) - 1);
    }
  });

  it('goes round: after the last function of an account, the next run starts from its first again', async () => {
    const { hourly } = await setup();
    let reads: { arn: string }[] = [];
    for (let run = 0; run < 6 && !reads.some((r) => r.arn === arnIn(ACCOUNTS[0] as string, PER_ACCOUNT - 1)); run++) {
      ({ reads } = await hourly());
    }
    const own = readsOf(reads, ACCOUNTS[0] as string).map((r) => r.arn);
    const last = own.indexOf(arnIn(ACCOUNTS[0] as string, PER_ACCOUNT - 1));
    expect(last).toBeGreaterThanOrEqual(0);
    // Within the same run when time is left, else at the next one.
    const next = own[last + 1] ?? readsOf((await hourly()).reads, ACCOUNTS[0] as string)[0]?.arn;
    expect(next).toBe(arnIn(ACCOUNTS[0] as string, 0));
  });

  it('says how old the least recently checked function is, never less than it really is', async () => {
    const { hourly, reads, clock } = await setup();
    // The first run starts an hour from now.
    const firstStart = clock.now().getTime() + HOUR * 1000;
    for (let run = 0; run < 8; run++) {
      const { report } = await hourly();
      const lastRead = new Map<string, number>();
      for (const r of reads) lastRead.set(r.arn, r.at);
      const everyFunction = ACCOUNTS.flatMap((a) => Array.from({ length: PER_ACCOUNT }, (_, i) => arnIn(a, i)));
      // A function not read yet counts from the first run's start.
      const trueOldest = Math.min(...everyFunction.map((arn) => lastRead.get(arn) ?? firstStart));
      const trueAge = (clock.now().getTime() - trueOldest) / 1000;
      expect(report.oldestCheckSeconds).toBeGreaterThanOrEqual(Math.floor(trueAge));
      // And not wildly more: within one pass (five runs, an hour apart) of the truth.
      expect(report.oldestCheckSeconds).toBeLessThanOrEqual(trueAge + 6 * HOUR);
    }
  });

  it('reports an account it cannot reach, keeps the others going, and shows that account growing old', async () => {
    const { hourly, down } = await setup();
    const first = await hourly();
    const stopped = readsOf(first.reads, ACCOUNTS[2] as string).at(-1)?.arn as string;
    down.add(ACCOUNTS[2] as string);
    const ages: number[] = [];
    for (let run = 0; run < 2; run++) {
      const { report, reads } = await hourly();
      expect(report.accountsUnreachable).toEqual([ACCOUNTS[2]]);
      expect(readsOf(reads, ACCOUNTS[2] as string)).toEqual([]);
      expect(readsOf(reads, ACCOUNTS[0] as string).length).toBeGreaterThan(0);
      ages.push(report.oldestCheckSeconds as number);
    }
    expect(ages[1]).toBeGreaterThanOrEqual((ages[0] as number) + HOUR);
    down.clear();
    const back = await hourly();
    expect(readsOf(back.reads, ACCOUNTS[2] as string)[0]?.arn).toBe(
      arnIn(ACCOUNTS[2] as string, Number(stopped.slice(-3)) + 1),
    );
  });

  it('leaves the stored progress alone when an admin pages through by hand', async () => {
    const { app, hourly, reconcileProgress } = await setup();
    await hourly();
    const before = structuredClone([...reconcileProgress.stored.values()]);
    const page = await app.reconcile({ budgetMs: 2_000 });
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(page.oldestCheckSeconds).toBeUndefined();
    expect([...reconcileProgress.stored.values()]).toEqual(before);
  });
});

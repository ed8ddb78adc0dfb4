/**
 * `npm run bench`: every figure in one table. Most are figures to compare (these machines are noisy: compare ratios);
 * the contract's bounds (answer times, expiry lag, the shared budget: tests/support/contract-bounds.ts) are printed
 * next to their figure, and the bench exits non-zero when one is missed. The functional tests allow three times as
 * much, so that a loaded machine cannot turn them red: the exact bounds are checked here.
 */
import os from 'node:os';
import { measureAnswerTimes } from './answer-times';
import { measureApiLatency } from './api-latency';
import { startBenchAws } from './bench-aws';
import { measureBudgetThroughput } from './budget-throughput';
import { measureBundles } from './bundles';
import { measureExpiryLag } from './expiry-lag';
import { measureLifecycleCalls } from './lifecycle-calls';
import { measureFilteredLists } from './list-scale';
import { measurePatternWorstCase } from './pattern-match';
import { measureSharedBudget } from './shared-budget';
import { measureSlackRequesterTimes } from './slack-requester-times';
import { round } from './stats';
import { measureSweepAcrossAccounts } from './sweep-accounts';
import { measureSweep } from './sweep-scale';
import { EMULATOR_GUARD } from '../handlers/app';
import { CONTRACT_MS } from '../tests/support/contract-bounds';

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const rows: { group: string; figure: string; value: string; bound?: { text: string; met: boolean } }[] = [];
  const add = (group: string, figure: string, value: string, bound?: { text: string; met: boolean }) =>
    rows.push({ group, figure, value, ...(bound ? { bound } : {}) });
  /** A contract bound on a figure: `figure ≤ limit`. */
  const atMost = (figure: number, limit: number, unit: string) => ({
    text: `≤ ${limit} ${unit}`,
    met: figure <= limit,
  });
  /** A contract bound on a figure: `figure ≥ limit`. */
  const atLeast = (figure: number, limit: number, unit: string) => ({
    text: `≥ ${limit} ${unit}`,
    met: figure >= limit,
  });
  const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

  progress('bundles (esbuild, minified; cold require in a fresh node)');
  const { rows: bundles, bare } = measureBundles(5);
  for (const b of [...bundles, bare]) {
    add(
      'bundle',
      `${b.entry}: SDK bundled`,
      `${b.bundledKb} KB, require ${round(b.bundledMs)} ms (×${round(b.bundledMs / bare.bundledMs, 2)} bare)`,
    );
    add(
      'bundle',
      `${b.entry}: SDK external`,
      `${b.externalKb} KB, require ${round(b.externalMs)} ms (×${round(b.externalMs / bare.externalMs, 2)} bare)`,
    );
  }

  progress('allowlist pattern match, worst case');
  const match = measurePatternWorstCase(500);
  add(
    'pattern',
    `${match.valueLength}-character value vs ${match.wildcards} wildcards (no match)`,
    `p50 ${round(match.p50, 3)} ms, p99 ${round(match.p99, 3)} ms (${match.samples} samples)`,
  );

  const aws = await startBenchAws();
  try {
    progress('Lambda calls per grant lifecycle (create → approve → revoke)');
    for (const [kind, counts] of Object.entries(await measureLifecycleCalls(aws))) {
      // GetFunction has its own 100 rps quota and IAM is another service: the shared 15 rps budget is the rest.
      const total = Object.entries(counts)
        .filter(([name]) => name !== 'GetFunction' && !name.startsWith('iam:'))
        .reduce((n, [, c]) => n + c, 0);
      const detail = Object.entries(counts)
        .map(([name, c]) => `${name} ${c}`)
        .join(', ');
      add('lifecycle', kind, `${total} control-plane calls (${detail})`);
    }

    const rps = 10;
    progress(`sweep of N due grants among 100 and 10,000 stored (BROKER_LAMBDA_RPS=${rps})`);
    const sweeps = [...(await measureSweep(aws, 100, [30], rps)), ...(await measureSweep(aws, 10_000, [10, 30], rps))];
    for (const s of sweeps) {
      add(
        'sweep',
        `${s.due} due of ${s.stored} stored`,
        `read ${s.itemsRead} items, expired ${s.expired}, ${round(s.seconds, 2)} s (N/rps floor ${round(s.floorSeconds, 2)} s, ×${round(s.seconds / s.floorSeconds, 2)})`,
      );
    }

    progress('answer times with a Slack that takes 2.5 s per call (20 clicks, 20 REST approves, 40 creates)');
    const answers = await measureAnswerTimes(aws, 20);
    const times = (t: { p50: number; p99: number; max: number; samples: number }) =>
      `p50 ${round(t.p50)} ms, p99 ${round(t.p99)} ms, max ${round(t.max)} ms (${t.samples})`;
    add('answer', 'create', times(answers.creates), atMost(round(answers.creates.p99), CONTRACT_MS.create, 'ms p99'));
    add(
      'answer',
      'Slack click, Slack at 2.5 s/call',
      times(answers.clicks),
      atMost(round(answers.clicks.p99), CONTRACT_MS.click, 'ms p99'),
    );
    add(
      'answer',
      'REST approve',
      times(answers.approves),
      atMost(round(answers.approves.p99), CONTRACT_MS.approve, 'ms p99'),
    );
    add('answer', 'after the clicks, all 20 ACTIVE within', `${round(answers.clicksAllActiveSeconds, 1)} s`);

    progress('a requester in Slack: /lpb request until its modal is open, then its submission (20 each)');
    const requester = await measureSlackRequesterTimes(aws, 20);
    add(
      'answer',
      '/lpb request, modal opened',
      times(requester.commands),
      atMost(round(requester.commands.p99), CONTRACT_MS.slashCommand, 'ms p99'),
    );
    add(
      'answer',
      'request modal submitted (a create)',
      times(requester.submissions),
      atMost(round(requester.submissions.p99), CONTRACT_MS.slashCommand, 'ms p99'),
    );

    progress('expiry lag of 30 grants, sweep every 60 s (timers only)');
    const lag = await measureExpiryLag(aws, 30);
    add(
      'expiry',
      `lag after expiresAt, ${lag.removed}/${lag.grants} grants`,
      `p50 ${round(lag.p50, 2)} s, p99 ${round(lag.p99, 2)} s, max ${round(lag.max, 2)} s`,
      {
        text: `≤ ${CONTRACT_MS.expiry / 1000} s p99, all removed`,
        met: lag.p99 * 1000 <= CONTRACT_MS.expiry && lag.removed === lag.grants,
      },
    );

    progress('shared budget: 3 runners, BROKER_LAMBDA_RPS=4, 36 approvals at once (moto access log)');
    const burst = await measureSharedBudget(4);
    const busiest = Math.max(...burst.control, ...burst.getPolicy);
    add(
      'budget',
      "calls per second in moto's log",
      `control max ${Math.max(...burst.control)} [${burst.control.join(' ')}]; GetPolicy max ${Math.max(...burst.getPolicy)} [${burst.getPolicy.join(' ')}]`,
      atMost(busiest, burst.rps, 'calls in any second'),
    );
    add('budget', '36 approvals on 3 runners, all ACTIVE after', `${round(burst.seconds, 1)} s`);

    progress(`sweep of 30 due grants in one account, then 30 in each of three (BROKER_LAMBDA_RPS=${rps}, 3 rounds)`);
    const across = await measureSweepAcrossAccounts(aws, 30, rps, 3);
    add(
      'accounts',
      `${across.perAccount} due in 1 account (a spoke)`,
      `${round(across.oneSeconds, 2)} s (N/rps floor ${round(across.floorSeconds, 2)} s)`,
    );
    add(
      'accounts',
      `${across.perAccount} due in each of 3 accounts`,
      `${round(across.threeSeconds, 2)} s, ×${round(across.ratio, 2)} of one account (one budget for all: ≥ ${round(3 * across.floorSeconds, 2)} s)`,
    );

    // At 10 rps three accounts ask the one emulator for about 225 calls a second; at 2 rps the budgets alone set the pace.
    const slowRps = 2;
    progress(`the same with 20 due per account at BROKER_LAMBDA_RPS=${slowRps}, where the emulator keeps up (1 round)`);
    const paced = await measureSweepAcrossAccounts(aws, 20, slowRps, 1);
    add(
      'accounts',
      `${paced.perAccount} due in 1 vs each of 3 accounts, ${slowRps} rps`,
      `${round(paced.oneSeconds, 2)} s vs ${round(paced.threeSeconds, 2)} s, ×${round(paced.ratio, 2)} (one budget for all: ≥ ${round(3 * paced.floorSeconds, 2)} s)`,
    );

    progress('the budget from a cold process, Lambda answering in 100 ms (AWS settings, then the emulator band)');
    const figure = (t: Awaited<ReturnType<typeof measureBudgetThroughput>>) =>
      `${t.calls} calls in ${t.seconds} s (${t.firstSecond} in the first): ${round(t.steadyRate, 2)} per second, ×${round(t.ratio, 2)} of the budget`;
    const cold = await measureBudgetThroughput(aws, rps, 100, {}, '444444444444');
    add(
      'budget',
      `cold process, 100 ms calls, ${rps} rps, AWS settings`,
      figure(cold),
      atLeast(round(cold.ratio, 2), 0.9, '× the budget'),
    );
    const banded = await measureBudgetThroughput(aws, rps, 100, EMULATOR_GUARD, '555555555555');
    add('budget', `the same with moto's band (400 ms floor, 1 s when cold)`, figure(banded));

    progress('filtered lists over 10,000 stored requests (limit=1; 30 each)');
    for (const l of await measureFilteredLists(aws, 10_000, 30)) {
      add(
        'list',
        l.query,
        `p50 ${round(l.p50)} ms, p99 ${round(l.p99)} ms (${l.samples}); ${l.items} item(s)${l.more ? ', nextToken' : ''}`,
        atMost(round(l.p99), 1000, 'ms p99'),
      );
    }

    progress('API latency over HTTP against the local runner');
    for (const l of await measureApiLatency(aws, 200)) {
      add('api', l.endpoint, `p50 ${round(l.p50)} ms, p99 ${round(l.p99)} ms (${l.samples} samples)`);
    }
  } finally {
    await aws.moto.stop();
  }

  process.stdout.write(
    `\nlambda-permission-broker benchmarks — ${new Date().toISOString()} — ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n\n`,
  );
  const width = Math.max(...rows.map((r) => r.group.length + r.figure.length + 3));
  for (const r of rows) {
    const bound = r.bound ? `  [contract ${r.bound.text}: ${r.bound.met ? 'met' : 'MISSED'}]` : '';
    process.stdout.write(`${`${r.group} · ${r.figure}`.padEnd(width)}  ${r.value}${bound}\n`);
  }
  const missed = rows.filter((r) => r.bound && !r.bound.met);
  if (missed.length > 0) {
    process.stderr.write(
      `bench: ${missed.length} contract bound(s) missed: ${missed.map((r) => r.figure).join('; ')}\n`,
    );
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

import { ControlPlaneBudget, type BudgetOptions, type SecondCounter } from '../../../adapters/aws/control-plane-budget';
import { UnavailableError } from '../../../domain/errors';

/** The shared counter in memory, and a virtual clock that several callers share (like processes on one table). */
function world(start = 1_000_000) {
  let now = start;
  const counts = new Map<string, number>();
  const key = (scope: string, second: number) => `${scope}@${second}`;
  const counter: SecondCounter = {
    tryTake(scope, second, limit) {
      const n = counts.get(key(scope, second)) ?? 0;
      if (n >= limit) return Promise.resolve(false);
      counts.set(key(scope, second), n + 1);
      return Promise.resolve(true);
    },
    add(scope, second, amount) {
      counts.set(key(scope, second), (counts.get(key(scope, second)) ?? 0) + amount);
      return Promise.resolve();
    },
  };
  const starts: number[] = [];
  /** A process's budget, with moto's guard band floor by default (`bands: {}` for AWS's defaults). */
  const budget = (perSecond = 4, guardMs = 300, bands: Partial<BudgetOptions> = { guardMs }) =>
    new ControlPlaneBudget(counter, {
      perSecond,
      region: 'us-east-1',
      ...bands,
      now: () => now,
      sleep: (ms) => {
        now += ms;
        return Promise.resolve();
      },
    });
  /** One call: take a slot, then "start" at the current time; it is answered in `callMs` (quick by default). */
  const call = async (b: ControlPlaneBudget, account = '111111111111', deadline: number | null = null, callMs = 10) => {
    await b.take(account, 'control', deadline);
    starts.push(now);
    b.observe(callMs);
  };
  /** A process that has just seen a quick call, so its guard band is the configured one. */
  const warm = (b: ControlPlaneBudget) => {
    b.observe(10);
    return b;
  };
  const perSecond = () => {
    const histogram = new Map<number, number>();
    for (const t of starts) histogram.set(Math.floor(t / 1000), (histogram.get(Math.floor(t / 1000)) ?? 0) + 1);
    return histogram;
  };
  return {
    budget,
    call,
    warm,
    starts,
    perSecond,
    counts,
    set: (t: number) => (now = t),
    get now() {
      return now;
    },
  };
}

describe('the Lambda control-plane budget', () => {
  it('starts at once when the account is idle', async () => {
    const w = world(1_000_100);
    await w.call(w.budget());
    expect(w.starts).toEqual([1_000_100]);
  });

  it('never lets a calendar second hold more than the budget, across several processes sharing the counter', async () => {
    const w = world(5_000_000);
    const processes = [w.warm(w.budget()), w.warm(w.budget()), w.warm(w.budget())];
    for (let i = 0; i < 30; i++) await w.call(processes[i % 3] as ControlPlaneBudget);
    const histogram = w.perSecond();
    expect(Math.max(...histogram.values())).toBeLessThanOrEqual(4);
    // and it does not waste the budget: 30 calls at 4 per second take 8 seconds
    expect(histogram.size).toBe(8);
  });

  it('widens the guard band to twice the slowest call of the last 30 s, and narrows it once that call is older', async () => {
    const w = world(8_000_500);
    const b = w.budget(4, 300);
    b.observe(300);
    await w.call(b);
    // 500 ms into the second, inside a 600 ms band: counted in the next second too.
    expect(w.counts.get('111111111111#us-east-1#control@8001')).toBe(1);
    w.set(8_020_500);
    for (let i = 0; i < 40; i++) b.observe(50);
    await w.call(b);
    // Quick calls since do not hide the slow one while it is recent.
    expect(w.counts.get('111111111111#us-east-1#control@8021')).toBe(1);
    w.set(8_040_500);
    await w.call(b);
    expect(w.counts.get('111111111111#us-east-1#control@8041')).toBeUndefined();
  });

  it('counts a call in every second it may land in when calls take longer than a second', async () => {
    const w = world(6_000_200);
    const b = w.budget(4, 300);
    b.observe(900);
    await w.call(b);
    // a 1.8 s band from 200 ms into the second: this second and the next two
    for (const second of [6000, 6001, 6002]) expect(w.counts.get(`111111111111#us-east-1#control@${second}`)).toBe(1);
    expect(w.counts.get('111111111111#us-east-1#control@6003')).toBeUndefined();
  });

  it('against an emulator, counts the next second too while it has seen no call lately (coldGuardMs)', async () => {
    const w = world(6_500_100);
    const b = w.budget(4, 300, { guardMs: 300, coldGuardMs: 1000 });
    await w.call(b);
    expect(w.counts.get('111111111111#us-east-1#control@6500')).toBe(1);
    expect(w.counts.get('111111111111#us-east-1#control@6501')).toBe(1);
  });

  it('counts a call that starts in the guard band in the next second too', async () => {
    const w = world(7_000_800);
    const b = w.warm(w.budget(4, 300));
    await w.call(b);
    expect(w.counts.get('111111111111#us-east-1#control@7000')).toBe(1);
    expect(w.counts.get('111111111111#us-east-1#control@7001')).toBe(1);
    w.set(7_002_600);
    await w.call(b);
    expect(w.counts.get('111111111111#us-east-1#control@7003')).toBeUndefined();
  });

  it('with AWS’s defaults, costs nothing while Lambda answers in 100 ms: a cold process runs at the full rate', async () => {
    const w = world(30_000_000);
    const b = w.budget(4, 0, {});
    for (let i = 0; i < 40; i++) await w.call(b, '111111111111', null, 100);
    // 40 calls at 4 per second: 10 seconds, each call counted in one second only.
    expect(w.perSecond().size).toBe(10);
    expect([...w.counts.values()].reduce((a, n) => a + n, 0)).toBe(40);
  });

  it('with AWS’s defaults, still guards when Lambda answers slowly', async () => {
    const w = world(31_000_700);
    const b = w.budget(4, 0, {});
    b.observe(400);
    await w.call(b);
    // 700 ms into the second, inside an 800 ms band: counted in the next second too.
    expect(w.counts.get('111111111111#us-east-1#control@31001')).toBe(1);
  });

  it('keeps budgets of different accounts apart', async () => {
    const w = world(9_000_000);
    const b = w.budget(2);
    for (let i = 0; i < 2; i++) await w.call(b, '111111111111');
    const before = w.now;
    await w.call(b, '222222222222');
    expect(w.now).toBe(before);
  });

  it('gives up at once, saying when to retry, rather than reserve a slot after the deadline', async () => {
    const w = world(11_000_000);
    const b = w.budget(1);
    await w.call(b);
    const error = await b.take('111111111111', 'control', 11_000_500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).retryAfterMs).toBeGreaterThanOrEqual(1000);
  });

  it('after a 429 blocks the account for Retry-After seconds, then runs at half rate, for every process', async () => {
    const w = world(13_000_000);
    const [one, other] = [w.budget(4), w.budget(4)];
    await one.penalize('111111111111', 'control', 2);
    await w.call(other);
    expect(w.starts[0]).toBeGreaterThanOrEqual(13_002_000);
    for (let i = 0; i < 3; i++) await w.call(other);
    // seconds 13002.. are at half rate: 2 calls each
    expect(w.perSecond().get(13_002)).toBe(2);
  });
});

describe('the budget and deadlines', () => {
  it('starts no call for work already past its deadline, even in an idle second', async () => {
    const w = world(20_000_100);
    const error = await w
      .budget()
      .take('111111111111', 'control', 20_000_000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(w.counts.size).toBe(0);
  });
});

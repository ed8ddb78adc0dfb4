import { oneAtATime } from '../../../domain/grants/one-at-a-time';

describe('one at a time per key', () => {
  it('runs work of one key in arrival order without overlap, and other keys alongside', async () => {
    const run = oneAtATime();
    const log: string[] = [];
    let inA = 0;
    const step = (key: string, name: string) => async () => {
      if (key === 'a') {
        inA++;
        expect(inA).toBe(1);
      }
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`end ${name}`);
      if (key === 'a') inA--;
      return name;
    };
    const results = await Promise.all([
      run('a', step('a', 'a1')),
      run('a', step('a', 'a2')),
      run('b', step('b', 'b1')),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('goes on with the next work after a failure', async () => {
    const run = oneAtATime();
    const failed = run('a', () => Promise.reject(new Error('boom')));
    const next = run('a', () => Promise.resolve('ok'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});

import { answerWithin } from '../../../handlers/http/answer-within';

describe('an answer that waits only so long for the work behind it', () => {
  it('answers with the work when it finishes in time', async () => {
    await expect(answerWithin(1_000, Promise.resolve('done'), 'stored')).resolves.toBe('done');
  });

  it('answers with what is stored when the work takes longer, and lets the work go on', async () => {
    let finished = false;
    const work = new Promise<string>((resolve) =>
      setTimeout(() => {
        finished = true;
        resolve('done');
      }, 300),
    );
    const started = Date.now();
    await expect(answerWithin(50, work, 'stored')).resolves.toBe('stored');
    expect(Date.now() - started).toBeLessThan(250);
    await work;
    expect(finished).toBe(true);
  });

  it('answers with what is stored when the work fails', async () => {
    await expect(answerWithin(1_000, Promise.reject(new Error('boom')), 'stored')).resolves.toBe('stored');
  });
});

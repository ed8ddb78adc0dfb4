import { answerWithin, settledByDue } from '../../../handlers/http/answer-within';
import type { GrantRequest } from '../../../domain/model/request';

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

describe('an answer due a fixed time after its operation began', () => {
  const stored = { id: 'r1', status: 'APPROVED' } as unknown as GrantRequest;
  const applied = { id: 'r1', status: 'ACTIVE' } as unknown as GrantRequest;

  it('gives the work only the time left, so a slow decision does not make the answer late', async () => {
    const asked: number[] = [];
    const settle = {
      settleSoon: (_r: GrantRequest, ms: number) => {
        asked.push(ms);
        return Promise.resolve(applied);
      },
    };
    await expect(settledByDue(settle, stored, performance.now() - 400, 1_000)).resolves.toBe(applied);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toBeGreaterThan(500);
    expect(asked[0]).toBeLessThanOrEqual(600);
  });

  it('answers with what is stored at once, without starting the work, when the time is already spent', async () => {
    const settle = { settleSoon: jest.fn(() => Promise.resolve(applied)) };
    await expect(settledByDue(settle, stored, performance.now() - 1_450, 1_500)).resolves.toBe(stored);
    expect(settle.settleSoon).not.toHaveBeenCalled();
  });
});

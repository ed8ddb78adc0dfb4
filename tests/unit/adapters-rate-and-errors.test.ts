import { RateLimiter } from '../../adapters/aws/rate-limiter';
import { isRetryableAwsError } from '../../adapters/aws/aws-errors';
import { backoffMs } from '../../domain/grants/backoff';

describe('rate limiter', () => {
  it('spaces calls to at most the configured rate', async () => {
    let now = 1_000;
    const waits: number[] = [];
    const limiter = new RateLimiter(
      10,
      () => now,
      (ms) => {
        waits.push(ms);
        now += ms;
        return Promise.resolve();
      },
    );
    const started: number[] = [];
    for (let i = 0; i < 25; i++) {
      await limiter.take();
      started.push(now);
    }
    // Any one-second window holds at most 10 calls.
    for (const t of started) expect(started.filter((s) => s >= t && s < t + 1000).length).toBeLessThanOrEqual(10);
    expect(started[24]! - started[0]!).toBeGreaterThanOrEqual(2400);
    expect(limiter.waited).toBe(24);
  });

  it('does not wait when calls are already spread out', async () => {
    let now = 0;
    const limiter = new RateLimiter(
      5,
      () => now,
      () => Promise.reject(new Error('should not sleep')),
    );
    for (let i = 0; i < 3; i++) {
      await limiter.take();
      now += 250;
    }
    expect(limiter.waited).toBe(0);
  });
});

describe('backoff', () => {
  it('grows exponentially within [ceiling/2, ceiling] and stops at the cap', () => {
    expect(backoffMs(1, 100, 5000, () => 0)).toBe(50);
    expect(backoffMs(1, 100, 5000, () => 0.999)).toBe(99);
    expect(backoffMs(4, 100, 5000, () => 0)).toBe(400);
    expect(backoffMs(20, 100, 5000, () => 1)).toBe(5000);
  });
});

describe('AWS error classification', () => {
  it.each([
    [{ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }, true],
    [{ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }, true],
    [{ name: 'ServiceException', $metadata: { httpStatusCode: 500 } }, true],
    [{ name: 'Error', code: 'ECONNREFUSED' }, true],
    [{ name: 'Error', $metadata: {} }, true],
    [{ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } }, false],
    [{ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }, false],
    ['boom', false],
  ])('%p retryable: %p', (error, expected) => {
    expect(isRetryableAwsError(error)).toBe(expected);
  });
});

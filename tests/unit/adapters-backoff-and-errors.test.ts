import { isRetryableAwsError, translateAwsError } from '../../adapters/aws/aws-errors';
import { UnavailableError } from '../../domain/errors';
import { backoffMs } from '../../domain/grants/backoff';

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

describe('AWS error translation', () => {
  it('passes a domain error from inside the SDK through, though the retry loop stamped $metadata on it', () => {
    // The control-plane budget's refusal, as the SDK rethrows it: its retryAfterMs must survive.
    const budget = Object.assign(new UnavailableError('budget used up', { retryAfterMs: 1234 }), {
      $metadata: { attempts: 1, totalRetryDelay: 0 },
    });
    expect(() => translateAwsError(budget, 'AWS Lambda')).toThrow(budget);
  });

  it('turns a lost answer into UnavailableError', () => {
    const lost = Object.assign(new Error('socket hang up'), { $metadata: {} });
    expect(() => translateAwsError(lost, 'AWS Lambda')).toThrow(UnavailableError);
  });
});

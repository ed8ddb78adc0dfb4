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

describe('translating AWS failures', () => {
  it('says what AWS answered when it turns a failure into UnavailableError', () => {
    const throttled = { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } };
    expect(() => translateAwsError(throttled, 'AWS Lambda')).toThrow(
      'AWS Lambda is unavailable (TooManyRequestsException, HTTP 429); retry later',
    );
  });

  it('passes an UnavailableError of its own through unchanged (the budget said no before any call)', () => {
    const budget = new UnavailableError('the Lambda control-plane budget of x is used up for now');
    expect(() => translateAwsError(budget, 'AWS Lambda')).toThrow(budget);
  });

  it('turns what AWS refused for good into a permanent GrantRejectedError with AWS’s code', () => {
    const denied = {
      name: 'AccessDeniedException',
      message: 'not authorized by an SCP',
      $metadata: { httpStatusCode: 403 },
    };
    expect(() => translateAwsError(denied, 'AWS Lambda')).toThrow(
      expect.objectContaining({
        name: 'GrantRejectedError',
        retryable: false,
        code: 'AccessDeniedException',
        message: 'AWS Lambda refused (AccessDeniedException): not authorized by an SCP',
      }),
    );
  });

  it('rethrows what is not an AWS answer at all (a bug is not hidden)', () => {
    const bug = new TypeError('undefined is not a function');
    expect(() => translateAwsError(bug, 'AWS Lambda')).toThrow(bug);
  });
});

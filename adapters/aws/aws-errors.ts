/** Translates AWS SDK failures that mean "try again later" into the domain's UnavailableError. */
import { UnavailableError } from '../../domain/errors';

/**
 * "Busy" answers: the resource is in the middle of another operation (Lambda: a function update in progress, a mapping
 * being created or deleted; DynamoDB: a table being created; IAM: a concurrent change). They pass on their own, so
 * they are retried like a throttle, after a short pause. Gateways that give a 409 a meaning of its own (AddPermission:
 * perhaps the Sid exists; CreateEventSourceMapping: perhaps the mapping exists) look first, then fall back to this.
 */
const BUSY_NAMES = new Set([
  'ResourceConflictException',
  'ResourceInUseException',
  'ConcurrentModification',
  'ConcurrentModificationException',
]);
const BUSY_RETRY_MS = 2_000;

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceException',
  'InternalServerError',
  'InternalFailure',
  'TimeoutError',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** Duck-typed on purpose: network errors come from Node's own realm, where `instanceof Error` can fail. */
export function awsErrorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

export function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

export function isRetryableAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status = httpStatusOf(error);
  const code = (error as { code?: string }).code;
  // An SDK error with metadata but no HTTP status never got a response: a network failure.
  const noResponse = '$metadata' in error && status === undefined;
  return (
    noResponse ||
    RETRYABLE_NAMES.has(awsErrorName(error) ?? '') ||
    (status !== undefined && (status === 429 || status >= 500)) ||
    (code !== undefined && NETWORK_CODES.has(code))
  );
}

function isBusyAwsError(error: unknown): boolean {
  return BUSY_NAMES.has(awsErrorName(error) ?? '');
}

/** Rethrows `error` as UnavailableError when it is transient (saying what AWS answered); otherwise unchanged. */
export function translateAwsError(error: unknown, what: string): never {
  // Already ours (the control-plane budget said no before any call was made): it says why itself.
  if (error instanceof UnavailableError) throw error;
  if (isRetryableAwsError(error)) {
    const status = httpStatusOf(error);
    const answer = [awsErrorName(error), status === undefined ? 'no answer' : `HTTP ${status}`].filter(Boolean);
    throw new UnavailableError(`${what} is unavailable (${answer.join(', ')}); retry later`, { cause: error });
  }
  if (isBusyAwsError(error)) {
    throw new UnavailableError(`${what} is busy with the resource (${awsErrorName(error)}); retry later`, {
      cause: error,
      retryAfterMs: BUSY_RETRY_MS,
    });
  }
  throw error;
}

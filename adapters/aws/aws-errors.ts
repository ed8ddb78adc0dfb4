/** Translates AWS SDK failures that mean "try again later" into the domain's UnavailableError. */
import { DomainError, UnavailableError } from '../../domain/errors';

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

/**
 * Rethrows `error` as UnavailableError when it is transient; otherwise unchanged. A domain error raised inside the
 * SDK's middleware (the control-plane budget's UnavailableError and its retryAfterMs) is already the outcome: the
 * SDK's retry loop stamps `$metadata` on whatever it rethrows, which must not make it look like a lost answer.
 */
export function translateAwsError(error: unknown, what: string): never {
  if (error instanceof DomainError) throw error;
  if (isRetryableAwsError(error)) throw new UnavailableError(`${what} is unavailable; retry later`, { cause: error });
  throw error;
}

/**
 * Translates AWS SDK failures into the domain's errors, once, at the boundary: what passes on its own (throttling,
 * 5xx, no answer, a busy resource) is UnavailableError (retryable); any other refusal AWS answered (a 4xx: AccessDenied
 * from an SCP, a permissions boundary or a narrowed spoke role, a resource that is gone) is GrantRejectedError, which
 * is permanent and carries AWS's error code. Retrying cannot cure those, so nothing retries them blindly.
 */
import { DomainError, GrantRejectedError, UnavailableError } from '../../domain/errors';

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

/**
 * Rethrows `error` as UnavailableError when it is transient (saying what AWS answered), as GrantRejectedError when AWS
 * refused it for good (a 4xx), and unchanged otherwise (not an AWS answer at all: a bug is not hidden).
 */
export function translateAwsError(error: unknown, what: string): never {
  // Already ours (the control-plane budget said no before any call was made, a spoke out of reach): it says why.
  if (error instanceof DomainError) throw error;
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
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 400 && status < 500) {
    const code = awsErrorName(error) ?? null;
    const said = (error as { message?: unknown }).message;
    const message = typeof said === 'string' ? said : String(error);
    throw new GrantRejectedError(`${what} refused (${code ?? `HTTP ${status}`}): ${message}`, { cause: error, code });
  }
  throw error;
}

/** Why DynamoDB cancelled a transaction, one code per item in order ('None' for the items that were fine). */
export function cancellationCodes(error: unknown): string[] {
  if (awsErrorName(error) !== 'TransactionCanceledException') return [];
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

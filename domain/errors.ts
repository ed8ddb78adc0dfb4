/** Typed domain errors. They carry no HTTP: the edge maps them to status codes in one table. */

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `sourceArn` or `functions.0`. */
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input is malformed or breaks a rule (schema, safety floor); `details` names each field. */
export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
  }

  static field(path: string, message: string): ValidationError {
    return new ValidationError(`${path}: ${message}`, [{ path, message }]);
  }
}

/** No caller identity could be established. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'no caller identity') {
    super(message);
  }
}

/** The caller is known but not allowed to do this (allowlist, approver rules, admin-only). */
export class ForbiddenError extends DomainError {
  constructor(
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** The thing asked for does not exist, or the caller may not know that it exists. */
export class NotFoundError extends DomainError {
  constructor(message: string) {
    super(message);
  }
}

/** The current state does not allow the action, or the action duplicates another. */
export class ConflictError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A dependency is throttled or unavailable; the caller may retry (after `retryAfterMs` when known). */
export class UnavailableError extends DomainError {
  readonly retryAfterMs: number | null;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs ?? null;
  }
}

/** The stored request changed since it was read (optimistic lock); re-read and decide again. */
export class StaleRequestError extends ConflictError {
  constructor(requestId: string) {
    super(`request ${requestId} changed concurrently; retry`);
  }
}

// Outcomes the grant gateways report (adapters translate AWS errors into these).

/** A permanent refusal to apply a grant (policy limit, invalid parameter, missing function): do not retry. */
export class GrantRejectedError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The resource policy changed under us (stale RevisionId, or another operation in progress): re-read, retry. */
export class PolicyChangedError extends DomainError {
  constructor(message = 'the resource policy changed concurrently', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An event source mapping for this function and source already exists. */
export class MappingExistsError extends DomainError {
  constructor(
    message = 'an event source mapping for this function and source already exists',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The execution role cannot use the source yet (IAM still propagating): retry with backoff. */
export class RoleNotReadyError extends DomainError {
  constructor(message = 'the execution role cannot read the event source yet', options?: { cause?: unknown }) {
    super(message, options);
  }
}

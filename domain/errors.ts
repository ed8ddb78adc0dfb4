/**
 * Typed domain errors, each named for the rule that failed. They carry no HTTP: the edge maps every one of them to a
 * status code in one table (handlers/http/error-response.ts), and a test fails when one is missing there.
 * The two abstract families group refusals for code that treats them alike (a Slack click answers any refusal the
 * same way).
 * Each error also says whether trying again can cure it (`retryable`, and when, `retryAfterMs`), as the AWS SDK's
 * errors carry `$retryable`: work on grants decides from that attribute alone (failure.ts), not from class chains.
 */

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `sourceArn` or `functions.0`. */
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  /** Trying again later may succeed: throttling, a busy resource, IAM propagation, a race. False: it cannot. */
  readonly retryable: boolean = false;
  /** When to try again, when the failure says (a throttle's Retry-After); null when it does not. */
  readonly retryAfterMs: number | null = null;

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

/** The thing asked for does not exist, or the caller may not know that it exists. */
export class NotFoundError extends DomainError {
  constructor(message: string) {
    super(message);
  }
}

// Refusals: the caller is known but not allowed to do this.

/** Any refusal of the caller (the family; throw one of the named rules below). */
export abstract class RefusedError extends DomainError {
  protected constructor(
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** Only broker admins may do this. */
export class NotAdminError extends RefusedError {
  constructor(what: string) {
    super(`only broker admins may ${what}`);
  }
}

/** Only broker admins and auditors (BROKER_AUDITORS) may read the audit trail across requests. */
export class NotAuditorError extends RefusedError {
  constructor() {
    super('only broker admins and auditors may read the audit trail');
  }
}

/**
 * No allowlist entry permits the ask; `details` names the condition that failed. The message points the requester to
 * the catalog of what it may ask for (docs/adoption.md, What may I ask for?).
 */
export class AllowlistDeniedError extends RefusedError {
  constructor(reason: string, details: FieldIssue[]) {
    super(`allowlist denies: ${reason}; see GET /v1/catalog (lpb catalog) for what you may ask for`, details);
  }
}

/** The function is in an account the broker does not act in (BROKER_TARGET_ACCOUNTS), whatever the allowlist says. */
export class AccountNotTargetedError extends RefusedError {
  constructor(
    readonly accountId: string,
    /** The body field that named the function (`functionArn` for an adoption). */
    field = 'functionName',
  ) {
    const message = `account ${accountId} is not one of the accounts this broker acts in`;
    super(`${field}: ${message}`, [{ path: field, message }]);
  }
}

/** Requesters never decide on their own request (also not through a linked identity). */
export class SelfDecisionError extends RefusedError {
  constructor() {
    super('requesters cannot decide on their own request');
  }
}

/** The decider is not an eligible approver of this request's allowlist entry. */
export class NotAnApproverError extends RefusedError {
  constructor(who: string) {
    super(`${who} is not an eligible approver for this request`);
  }
}

/** Only the requester may do this (cancel, extend). */
export class NotRequesterError extends RefusedError {
  constructor(what: string) {
    super(`only the requester may ${what}`);
  }
}

/**
 * The requester already has as many requests waiting for approval as one person may (BROKER_MAX_PENDING_PER_REQUESTER):
 * nothing is stored until some are decided, cancelled or timed out.
 */
export class TooManyPendingError extends RefusedError {
  constructor(limit: number) {
    super(
      `you have ${limit} requests waiting for approval, the most one requester may have (BROKER_MAX_PENDING_PER_REQUESTER); cancel some or wait for decisions`,
    );
  }
}

// Conflicts: the request's state does not allow the action now.

/** Any conflict with the stored state (the family; throw one of the named rules below). */
export abstract class StateConflictError extends DomainError {
  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The lifecycle has no such move (e.g. ACTIVE → CANCELLED). */
export class IllegalTransitionError extends StateConflictError {
  constructor(requestId: string, from: string, to: string) {
    super(`request ${requestId} is ${from}; it cannot become ${to}`);
  }
}

/** The action needs the request in another status (decide: PENDING; revoke: ACTIVE). */
export class WrongStatusError extends StateConflictError {
  constructor(requestId: string, status: string, needed: string, action: string) {
    super(`request ${requestId} is ${status}; only ${needed} can be ${action}`);
  }
}

/** This approver has approved this request already (quorum needs distinct approvers). */
export class AlreadyApprovedError extends StateConflictError {
  constructor(approver: string, requestId: string) {
    super(`${approver} has already approved request ${requestId}`);
  }
}

/** The grant is being revoked, or has reached its end without being recorded yet: it cannot be extended. */
export class GrantEndingError extends StateConflictError {
  constructor(requestId: string, why: string) {
    super(`request ${requestId} ${why}; it cannot be extended`);
  }
}

/** A grant has one extension waiting for a decision at a time. */
export class ExtensionPendingError extends StateConflictError {
  constructor(requestId: string, extensionId: string) {
    super(`request ${requestId} already has extension ${extensionId} waiting for a decision`);
  }
}

/** The grant has been extended as often as its allowlist entry's maxExtensions allows. */
export class ExtensionLimitError extends StateConflictError {
  constructor(requestId: string, limit: number) {
    super(`request ${requestId} has been extended ${limit} times, the most its allowlist entry allows`);
  }
}

/**
 * The request's allowlist entry no longer allows it (the allowlist changed since it was asked for): it cannot be
 * approved; the re-check that follows every allowlist change moves it to an entry that allows it, or ends it.
 */
export class NoLongerPermittedError extends StateConflictError {
  constructor(requestId: string, entryId: string, why: string) {
    super(`request ${requestId} no longer fits allowlist entry ${entryId}: ${why}; it cannot be approved`);
  }
}

/** The decision was pinned to a statement hash that is no longer the request's. */
export class StatementChangedError extends StateConflictError {
  constructor() {
    super('the statement changed since it was shown; look at the request again');
  }
}

/** An Idempotency-Key the caller already used with another body. */
export class IdempotencyKeyReusedError extends StateConflictError {
  constructor() {
    super('Idempotency-Key was already used with a different request body');
  }
}

/** Another adoption of the same statement, with other terms, is still being applied (docs/adoption.md, Adopt). */
export class AdoptionInProgressError extends StateConflictError {
  constructor(statementId: string, requestId: string) {
    super(`statement ${statementId} is being adopted as request ${requestId}; wait for it to become ACTIVE`);
  }
}

/** The stored request changed since it was read (optimistic lock); re-read and decide again. */
export class StaleRequestError extends StateConflictError {
  override readonly retryable = true;
  constructor(requestId: string) {
    super(`request ${requestId} changed concurrently; retry`);
  }
}

/** The request kept changing under every retry: the caller may try again. */
export class KeptChangingError extends StateConflictError {
  override readonly retryable = true;
  constructor(requestId: string) {
    super(`request ${requestId} kept changing; retry`);
  }
}

/**
 * A conditional allowlist write (If-Match / If-None-Match) found the entry not as it expected: changed since it was
 * read, or there (or gone) when it should not be. Nothing was changed.
 */
export class EntryPreconditionFailedError extends DomainError {
  constructor(
    readonly entryId: string,
    found: string,
  ) {
    super(`allowlist entry ${entryId}: ${found}; nothing was changed`);
  }
}

/** An allowlist change was approved or rejected already: only a PENDING one can be decided. */
export class ChangeAlreadyDecidedError extends StateConflictError {
  constructor(changeId: string, status: string) {
    super(`allowlist change ${changeId} is ${status}; only a PENDING change can be approved or rejected`);
  }
}

/** The entry changed after the proposal was made: approving it would overwrite what the proposer never saw. */
export class EntryChangedSinceProposalError extends StateConflictError {
  constructor(changeId: string, entryId: string, found: number | null, proposedOn: number | null) {
    const at = (v: number | null) => (v === null ? 'no entry' : `version ${v}`);
    super(
      `change ${changeId}: entry ${entryId} is at ${at(found)}, not ${at(proposedOn)} as proposed; propose it again`,
    );
  }
}

/**
 * A target account cannot be reached at all (its spoke role cannot be assumed): only that account's work is
 * affected, and reconcile reports it. Never answered over HTTP.
 */
export class AccountUnreachableError extends DomainError {
  /** A spoke role being rolled out arrives within minutes: tried again, without hammering STS. */
  override readonly retryable = true;
  override readonly retryAfterMs = 30_000;
  constructor(
    readonly accountId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A dependency is throttled or unavailable; the caller may retry (after `retryAfterMs` when known). */
export class UnavailableError extends DomainError {
  override readonly retryable = true;
  override readonly retryAfterMs: number | null;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs ?? null;
  }
}

// Outcomes the grant gateways report (adapters translate AWS errors into these); never answered over HTTP.

/**
 * AWS refused for good: a policy limit, an invalid parameter, a function or role that is gone, AccessDenied (an SCP,
 * a permissions boundary, a narrowed spoke role). Trying again cannot cure it. `code` is AWS's error code, when AWS
 * gave one.
 */
export class GrantRejectedError extends DomainError {
  readonly code: string | null;
  constructor(message: string, options?: { cause?: unknown; code?: string | null }) {
    super(message, options);
    this.code = options?.code ?? null;
  }
}

/** The resource policy changed under us (stale RevisionId): re-read, retry. */
export class PolicyChangedError extends DomainError {
  override readonly retryable = true;
  constructor(message = 'the resource policy changed concurrently', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Lambda answered 409 ResourceConflictException to a policy change: either the Sid is there already, or another
 * operation on the function (a deploy, an update) is in progress. Re-read: if the Sid is not there, wait and retry.
 */
export class FunctionBusyError extends DomainError {
  override readonly retryable = true;
  constructor(message = 'another operation on the function is in progress', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The KMS key that encrypts an event source cannot be resolved (the source, the key or its alias does not exist, or
 * the broker may not read them): a grant without that key's kms:Decrypt would never receive a record.
 */
export class EventSourceKeyUnresolvedError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
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
  override readonly retryable = true;
  constructor(message = 'the execution role cannot read the event source yet', options?: { cause?: unknown }) {
    super(message, options);
  }
}

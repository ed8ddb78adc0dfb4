/** The one table that maps typed errors to HTTP status and error code (docs/api.md, Errors). Anything else is a bare 500. */
import {
  AccountNotTargetedError,
  AdoptionInProgressError,
  AllowlistDeniedError,
  ChangeAlreadyDecidedError,
  EntryChangedSinceProposalError,
  EntryPreconditionFailedError,
  AlreadyApprovedError,
  ExtensionLimitError,
  ExtensionPendingError,
  GrantEndingError,
  IdempotencyKeyReusedError,
  IllegalTransitionError,
  KeptChangingError,
  NotAdminError,
  NotAuditorError,
  NotAnApproverError,
  NotFoundError,
  NotRequesterError,
  SelfDecisionError,
  StaleRequestError,
  NoLongerPermittedError,
  StatementChangedError,
  TooManyPendingError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
  WrongStatusError,
  type FieldIssue,
} from '../../domain/errors';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors';

export type ErrorClass = abstract new (...args: never[]) => Error;

/** Every error an operation may answer with, by class; `code` is the contract's (docs/api.md, Errors). */
export const ERROR_TABLE: ReadonlyArray<readonly [ErrorClass, number, string]> = [
  [ValidationError, 400, 'ValidationError'],
  [UnauthenticatedError, 401, 'Unauthenticated'],
  [NotAdminError, 403, 'Forbidden'],
  [NotAuditorError, 403, 'Forbidden'],
  [AllowlistDeniedError, 403, 'Forbidden'],
  [AccountNotTargetedError, 403, 'Forbidden'],
  [SelfDecisionError, 403, 'Forbidden'],
  [NotAnApproverError, 403, 'Forbidden'],
  [NotRequesterError, 403, 'Forbidden'],
  [NotFoundError, 404, 'NotFound'],
  [IllegalTransitionError, 409, 'Conflict'],
  [WrongStatusError, 409, 'Conflict'],
  [AlreadyApprovedError, 409, 'Conflict'],
  [StatementChangedError, 409, 'Conflict'],
  [NoLongerPermittedError, 409, 'Conflict'],
  [GrantEndingError, 409, 'Conflict'],
  [ExtensionPendingError, 409, 'Conflict'],
  [ExtensionLimitError, 409, 'Conflict'],
  [IdempotencyKeyReusedError, 409, 'Conflict'],
  [StaleRequestError, 409, 'Conflict'],
  [KeptChangingError, 409, 'Conflict'],
  [AdoptionInProgressError, 409, 'Conflict'],
  [EntryChangedSinceProposalError, 409, 'Conflict'],
  [ChangeAlreadyDecidedError, 409, 'Conflict'],
  [EntryPreconditionFailedError, 412, 'PreconditionFailed'],
  [PayloadTooLargeError, 413, 'PayloadTooLarge'],
  [TooManyPendingError, 429, 'TooManyRequests'],
  [UnsupportedMediaTypeError, 415, 'UnsupportedMediaType'],
  [UnavailableError, 503, 'Unavailable'],
];

export interface ErrorBody {
  error: { code: string; message: string; details?: FieldIssue[] };
}

export interface MappedError {
  statusCode: number;
  body: ErrorBody;
  /** True when the error was not one we expect: log it with its stack. */
  unexpected: boolean;
}

export function mapError(error: unknown): MappedError {
  for (const [type, statusCode, code] of ERROR_TABLE) {
    if (error instanceof type) {
      const details = (error as { details?: FieldIssue[] }).details;
      const body: ErrorBody = { error: { code, message: error.message } };
      if (details && details.length > 0) body.error.details = details;
      return { statusCode, body, unexpected: false };
    }
  }
  return { statusCode: 500, body: { error: { code: 'Internal', message: 'internal error' } }, unexpected: true };
}

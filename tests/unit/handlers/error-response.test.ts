import * as errors from '../../../domain/errors';
import {
  AccountNotTargetedError,
  AdoptionInProgressError,
  AllowlistDeniedError,
  AlreadyApprovedError,
  ChangeAlreadyDecidedError,
  EntryChangedSinceProposalError,
  EntryPreconditionFailedError,
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
  StatementChangedError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
  WrongStatusError,
} from '../../../domain/errors';
import { ERROR_TABLE, mapError } from '../../../handlers/http/error-response';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../../../handlers/http/http-errors';

/** Gateway outcomes stay inside the broker: they are never an answer. */
const INTERNAL = new Set([
  'GrantRejectedError',
  'PolicyChangedError',
  'FunctionBusyError',
  'EventSourceKeyUnresolvedError',
  'MappingExistsError',
  'RoleNotReadyError',
  'AccountUnreachableError',
]);

describe('error mapping', () => {
  it.each<[Error, number, string]>([
    [ValidationError.field('sourceArn', 'is required'), 400, 'ValidationError'],
    [new UnauthenticatedError(), 401, 'Unauthenticated'],
    [new NotAdminError('manage the allowlist'), 403, 'Forbidden'],
    [new NotAuditorError(), 403, 'Forbidden'],
    [new AllowlistDeniedError('function is not allowed', []), 403, 'Forbidden'],
    [new AccountNotTargetedError('333333333333'), 403, 'Forbidden'],
    [new SelfDecisionError(), 403, 'Forbidden'],
    [new NotAnApproverError('slack:U1'), 403, 'Forbidden'],
    [new NotRequesterError('cancel a request'), 403, 'Forbidden'],
    [new NotFoundError('gone'), 404, 'NotFound'],
    [new IllegalTransitionError('r1', 'ACTIVE', 'CANCELLED'), 409, 'Conflict'],
    [new WrongStatusError('r1', 'ACTIVE', 'PENDING', 'cancelled'), 409, 'Conflict'],
    [new AlreadyApprovedError('a', 'r1'), 409, 'Conflict'],
    [new StatementChangedError(), 409, 'Conflict'],
    [new GrantEndingError('r1', 'is being revoked'), 409, 'Conflict'],
    [new ExtensionPendingError('r1', 'r2'), 409, 'Conflict'],
    [new ExtensionLimitError('r1', 3), 409, 'Conflict'],
    [new IdempotencyKeyReusedError(), 409, 'Conflict'],
    [new StaleRequestError('r1'), 409, 'Conflict'],
    [new KeptChangingError('r1'), 409, 'Conflict'],
    [new AdoptionInProgressError('team-sns', 'r1'), 409, 'Conflict'],
    [new EntryChangedSinceProposalError('c1', 'orders', 3, 2), 409, 'Conflict'],
    [new ChangeAlreadyDecidedError('c1', 'APPROVED'), 409, 'Conflict'],
    [new EntryPreconditionFailedError('orders', 'is at version 3, not 2'), 412, 'PreconditionFailed'],
    [new PayloadTooLargeError('big'), 413, 'PayloadTooLarge'],
    [new UnsupportedMediaTypeError('xml'), 415, 'UnsupportedMediaType'],
    [new UnavailableError('throttled'), 503, 'Unavailable'],
  ])('maps %p to %i %s', (error, status, code) => {
    const mapped = mapError(error);
    expect(mapped.statusCode).toBe(status);
    expect(mapped.body.error.code).toBe(code);
    expect(mapped.body.error.message).toBe(error.message);
    expect(mapped.unexpected).toBe(false);
  });

  it('has a row for every error the domain can answer with', () => {
    const mapped = new Set(ERROR_TABLE.map(([type]) => type.name));
    const answerable = Object.entries(errors)
      .filter(([name, value]) => typeof value === 'function' && name.endsWith('Error') && !INTERNAL.has(name))
      .map(([name]) => name)
      .filter((name) => !['DomainError', 'RefusedError', 'StateConflictError'].includes(name));
    expect(answerable.filter((name) => !mapped.has(name))).toEqual([]);
  });

  it('carries field details', () => {
    expect(mapError(ValidationError.field('sourceArn', 'is required')).body.error.details).toEqual([
      { path: 'sourceArn', message: 'is required' },
    ]);
  });
  it('answers anything else with a bare 500 that leaks nothing', () => {
    const mapped = mapError(new TypeError('secret table name lambda-permission-broker at line 3'));
    expect(mapped).toEqual({
      statusCode: 500,
      body: { error: { code: 'Internal', message: 'internal error' } },
      unexpected: true,
    });
  });
});

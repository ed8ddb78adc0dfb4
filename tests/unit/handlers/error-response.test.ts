import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  StaleRequestError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from '../../../domain/errors';
import { mapError } from '../../../handlers/http/error-response';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../../../handlers/http/http-errors';

describe('error mapping', () => {
  it.each<[Error, number, string]>([
    [ValidationError.field('sourceArn', 'is required'), 400, 'ValidationError'],
    [new UnauthenticatedError(), 401, 'Unauthenticated'],
    [new ForbiddenError('no'), 403, 'Forbidden'],
    [new NotFoundError('gone'), 404, 'NotFound'],
    [new ConflictError('busy'), 409, 'Conflict'],
    [new StaleRequestError('r1'), 409, 'Conflict'],
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

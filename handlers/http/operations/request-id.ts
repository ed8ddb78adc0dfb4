/** The `{id}` path parameter: anything that cannot be a request id reads as not found (no probing by shape). */
import { NotFoundError } from '../../../domain/errors';
import type { OperationInput } from '../operation';
import { REQUEST_ID } from '../schemas';

export function requestIdOf(input: OperationInput): string {
  const id = input.pathParameters.id ?? '';
  if (!REQUEST_ID.test(id)) throw new NotFoundError(`request ${id} not found`);
  return id;
}

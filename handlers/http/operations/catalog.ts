/**
 * GET /v1/catalog: the allowlist entries that list the caller as a requester (docs/adoption.md, What may I ask for?).
 */
import type { Operation } from '../operation';

export const getCatalog: Operation = async (input, app) => {
  const caller = input.caller();
  return { statusCode: 200, body: { items: await app.catalog(caller) } };
};

/** GET /v1/catalog: the allowlist entries that list the caller as a requester (API §11.10). */
import type { Operation } from '../operation';
import { noQuery, parseOrThrow } from '../schemas';

export const getCatalog: Operation = async (input, app) => {
  const caller = input.caller().principal;
  parseOrThrow(noQuery, input.query);
  return { statusCode: 200, body: { items: await app.catalog(caller) } };
};

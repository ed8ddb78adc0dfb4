/**
 * Allowlist endpoints (admin only): PUT/GET/DELETE /v1/allowlist/{entryId}, GET /v1/allowlist, and the impact preview
 * GET/POST /v1/allowlist/{entryId}/impact. A put or delete answers at once: its live requests are matched again
 * behind the answer (the entry's stream record schedules it, docs/api.md, One rulebook).
 */
import { NotFoundError, ValidationError } from '../../../domain/errors';
import { checkEntryInput } from '../../../domain/use-cases/manage-allowlist';
import type { Operation, OperationInput } from '../operation';
import { entityTag, preconditionOf } from '../preconditions';
import { ENTRY_ID, allowlistEntryBody, parseOrThrow } from '../schemas';

/** An id that cannot exist reads as not found; on PUT it is a validation error naming the path parameter. */
function entryId(input: OperationInput, forWrite: boolean): string {
  const id = input.pathParameters.entryId ?? '';
  if (ENTRY_ID.test(id)) return id;
  if (forWrite) throw ValidationError.field('entryId', 'must be 1-64 characters of [A-Za-z0-9_.-]');
  throw new NotFoundError(`allowlist entry ${id} not found`);
}

export const putAllowlistEntry: Operation = async (input, app) => {
  const caller = input.caller();
  const id = entryId(input, true);
  const precondition = preconditionOf(input.headers);
  const body = parseOrThrow(allowlistEntryBody, input.body);
  const entry = await app.allowlist.put(caller, id, body, precondition);
  return { statusCode: 200, body: entry, headers: { ETag: entityTag(entry.version) } };
};

export const getAllowlistEntry: Operation = async (input, app) => {
  const caller = input.caller();
  const entry = await app.allowlist.get(caller, entryId(input, false));
  return { statusCode: 200, body: entry, headers: { ETag: entityTag(entry.version) } };
};

export const listAllowlist: Operation = async (input, app) => {
  const caller = input.caller();
  return { statusCode: 200, body: { items: await app.allowlist.list(caller) } };
};

export const deleteAllowlistEntry: Operation = async (input, app) => {
  const caller = input.caller();
  await app.allowlist.delete(caller, entryId(input, false), preconditionOf(input.headers));
  return { statusCode: 204 };
};

/** What deleting the entry would do to its live requests (docs/api.md, One rulebook); changes nothing. */
export const previewAllowlistDelete: Operation = async (input, app) => {
  const caller = input.caller();
  return { statusCode: 200, body: await app.allowlistImpact(caller, entryId(input, false), null) };
};

/**
 * What putting this body would do to the entry's live requests (docs/api.md, One rulebook), and the lint's warnings a
 * PUT of it would answer (`lpb allowlist plan` shows both: docs/allowlist-as-code.md, Plan); changes nothing.
 */
export const previewAllowlistPut: Operation = async (input, app) => {
  const caller = input.caller();
  const id = entryId(input, true);
  const body = parseOrThrow(allowlistEntryBody, input.body);
  const report = await app.allowlistImpact(caller, id, body);
  return { statusCode: 200, body: { ...report, warnings: checkEntryInput(body, app.settings).warnings } };
};

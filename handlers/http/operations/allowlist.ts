/**
 * Allowlist endpoints (admin only): PUT/GET/DELETE /v1/allowlist/{entryId}, GET /v1/allowlist, and the impact preview
 * GET/POST /v1/allowlist/{entryId}/impact. A put or delete answers at once: its live requests are matched again
 * behind the answer (the entry's stream record schedules it, docs/api.md, One rulebook).
 */
import { NotFoundError, ValidationError } from '../../../domain/errors';
import { checkEntryInput } from '../../../domain/use-cases/manage-allowlist';
import type { Operation, OperationInput } from '../operation';
import { entityTag, preconditionOf } from '../preconditions';
import { ENTRY_ID, allowlistChangesQuery, allowlistEntryBody, decisionBody, parseOrThrow } from '../schemas';

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
  // The two-person rule: a proposal, nothing changed (docs/allowlist-as-code.md, The two-person rule).
  if (app.allowlistChanges.enabled) {
    return { statusCode: 202, body: await app.allowlistChanges.propose(caller, id, body, precondition) };
  }
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
  const id = entryId(input, false);
  const precondition = preconditionOf(input.headers);
  if (app.allowlistChanges.enabled) {
    return { statusCode: 202, body: await app.allowlistChanges.propose(caller, id, null, precondition) };
  }
  await app.allowlist.delete(caller, id, precondition);
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

const CHANGE_ID = /^[A-Za-z0-9-]{1,64}$/;
function changeId(input: OperationInput): string {
  const id = input.pathParameters.changeId ?? '';
  if (!CHANGE_ID.test(id)) throw new NotFoundError(`allowlist change ${id} not found`);
  return id;
}

/** GET /v1/allowlist/changes?status=: the two-person rule's proposals, newest first (admins). */
export const listAllowlistChanges: Operation = async (input, app) => {
  const caller = input.caller();
  const { status } = parseOrThrow(allowlistChangesQuery, input.query);
  return { statusCode: 200, body: { items: await app.allowlistChanges.list(caller, status ?? null) } };
};

/** POST /v1/allowlist/changes/{changeId}/approve: another admin applies the proposal. */
export const approveAllowlistChange: Operation = async (input, app) => {
  const caller = input.caller();
  const id = changeId(input);
  const { comment } = parseOrThrow(decisionBody, input.body ?? {});
  return { statusCode: 200, body: await app.allowlistChanges.approve(caller, id, comment ?? null) };
};

/** POST /v1/allowlist/changes/{changeId}/reject: another admin turns the proposal down. */
export const rejectAllowlistChange: Operation = async (input, app) => {
  const caller = input.caller();
  const id = changeId(input);
  const { comment } = parseOrThrow(decisionBody, input.body ?? {});
  return { statusCode: 200, body: await app.allowlistChanges.reject(caller, id, comment ?? null) };
};

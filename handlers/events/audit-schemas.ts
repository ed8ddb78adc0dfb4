/**
 * zod schemas of the audit events' `detail` (docs/audit.md, JSON Schemas of the details): the JSON Schemas in the docs
 * are generated from them (`npm run openapi`), and the tests check every published event against them.
 */
import * as z from 'zod';
import { allowlistChangeResource, allowlistEntryResource, grantEventFields } from '../http/response-schemas';

const time = z.string().describe('ISO-8601 UTC');

/** `Grant <Event>`: one history event of one request. */
export const grantEventDetail = grantEventFields.describe(
  'DetailType "Grant <Event>", e.g. Grant Requested… Grant Expired',
);

/** `Allowlist Entry Changed` / `Allowlist Entry Deleted`. */
export const allowlistEventDetail = z
  .strictObject({
    entryId: z.string(),
    actor: z.string().describe('the admin whose write (or approved proposal) made the change'),
    at: time,
    version: z.number().int().min(1).describe('the entry’s version after the change; a delete counts as a change'),
    before: allowlistEntryResource.nullable().describe('null: the entry was created'),
    after: allowlistEntryResource.nullable().describe('null: the entry was deleted'),
  })
  .describe('DetailType "Allowlist Entry Changed" or "Allowlist Entry Deleted"');

/** The JSON Schema of each detail, by the DetailTypes it serves. */
export const AUDIT_DETAIL_SCHEMAS = {
  'Grant <Event>': grantEventDetail,
  'Allowlist Entry Changed, Allowlist Entry Deleted': allowlistEventDetail,
  'Allowlist Change Proposed, Allowlist Change Approved, Allowlist Change Rejected': allowlistChangeResource,
} as const;

/** The JSON Schema documents as docs/audit.md shows them. */
export function auditJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(AUDIT_DETAIL_SCHEMAS).map(([name, schema]) => [
      name,
      { $schema: 'https://json-schema.org/draft/2020-12/schema', ...z.toJSONSchema(schema, { io: 'output' }) },
    ]),
  );
}

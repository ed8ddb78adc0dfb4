/** zod schemas for everything that crosses the HTTP boundary; domain input types are checked against them. */
import * as z from 'zod';
import { ValidationError, type FieldIssue } from '../../domain/errors';
import {
  DEFAULT_MAX_EXTENSIONS,
  DEFAULT_MAX_START_DELAY_SECONDS,
  DEFAULT_SOURCE_PROOF,
  type AllowlistEntryInput,
} from '../../domain/model/allowlist-entry';
import type { GrantAsk } from '../../domain/model/grant-ask';
import { ACCOUNT_ID } from '../../domain/rules/arn';
import { didYouMean } from '../../domain/rules/did-you-mean';
import { REQUEST_STATUSES } from '../../domain/model/request';
import { MAX_DURATION_SECONDS } from '../../domain/settings';

/** C0 controls (tab and newline allowed), DEL, and bidirectional overrides that disguise text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/u;
const text = (min: number, max: number) =>
  z
    .string()
    .min(min, `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !UNSAFE_TEXT.test(v), 'must not contain control characters');
/** An ISO-8601 time with its offset (`Z` or `±hh:mm`). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const token = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const createRequestBody = z.strictObject({
  functionName: token(256),
  qualifier: token(128).optional(),
  principal: token(256).optional(),
  sourceArn: token(1024).optional(),
  sourceAccount: z.string().regex(ACCOUNT_ID, 'must be a 12-digit account id').optional(),
  principalOrgId: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id (o- and 10-32 lower-case letters or digits)')
    .optional(),
  eventSourceArn: token(1024).optional(),
  batchSize: z.int('must be a whole number').min(1, 'must be at least 1').optional(),
  durationSeconds: z
    .int('must be a whole number of seconds')
    .min(1, 'must be positive')
    .max(MAX_DURATION_SECONDS, `must be at most ${MAX_DURATION_SECONDS} (31 days)`),
  reason: text(10, 1000),
  ticket: text(1, 128).optional(),
  startsAt: z
    .string()
    .refine(
      (v) => ISO_TIME.test(v) && !Number.isNaN(Date.parse(v)),
      'must be an ISO-8601 time with its offset, such as 2026-12-12T08:00:00Z',
    )
    .transform((v) => new Date(v).toISOString())
    .describe('ISO-8601: start later (docs/api.md, A start time)')
    .optional(),
});

const patterns = (max: number) => z.array(token(1024)).max(max, `must have at most ${max} patterns`);
const slackChannel = z.string().regex(/^[A-Z0-9]{9,12}$/, 'must be a Slack channel id such as C0123ABCD');
/** IAM Identity Center group display names (docs/api.md, Approvers from the identity provider). */
const groupNames = z.array(text(1, 1024)).max(20, 'must name at most 20 groups').default([]);

export const allowlistEntryBody = z.strictObject({
  description: text(0, 1000).nullable().default(null),
  functions: patterns(100).min(1, 'must name at least one function pattern'),
  principals: patterns(100).default([]),
  sourceArns: patterns(100).default([]),
  eventSourceArns: patterns(100).default([]),
  principalOrgIds: patterns(20).default([]),
  sourceAccounts: patterns(100).nullable().default(null),
  requesters: patterns(100).min(1, 'must name at least one requester pattern'),
  approvers: patterns(100).default([]),
  requiredApprovals: z.int('must be a whole number').min(0).max(10).default(1),
  maxDurationSeconds: z.int('must be a whole number of seconds').min(1),
  autoApprove: z.boolean().default(false),
  slackChannel: slackChannel.nullable().default(null),
  maxExtensions: z.int('must be a whole number').min(0).max(100).default(DEFAULT_MAX_EXTENSIONS),
  sourceProof: z.enum(['require', 'warn', 'off'], 'must be require, warn or off').default(DEFAULT_SOURCE_PROOF),
  approverGroups: groupNames,
  approvalSteps: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9 _.-]{1,64}$/, 'must be 1-64 letters, digits, spaces or _.-'),
        approvers: patterns(100).default([]),
        approverGroups: groupNames,
        requiredApprovals: z.int('must be a whole number').min(1, 'must be at least 1').max(10),
        slackChannel: slackChannel.nullable().default(null),
      }),
    )
    .max(5, 'must have at most 5 steps')
    .default([]),
  maxStartDelaySeconds: z
    .int('must be a whole number of seconds')
    .min(0)
    .max(90 * 24 * 3600, 'must be at most 7776000 (90 days)')
    .default(DEFAULT_MAX_START_DELAY_SECONDS),
});

export const ENTRY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
export const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

export const listRequestsQuery = z.strictObject({
  status: z.enum(REQUEST_STATUSES, `must be one of ${REQUEST_STATUSES.join(', ')}`).optional(),
  functionName: token(256).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100'))
    .optional(),
  nextToken: token(2048).optional(),
  overdue: z.enum(['true', 'false'], 'must be true or false').optional(),
  /** Only the caller's own requests (the console's My grants, `/lpb list`). */
  mine: z.enum(['true', 'false'], 'must be true or false').optional(),
});

const isoTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/,
    'must be an ISO-8601 UTC time, e.g. 2026-12-07T00:00:00Z',
  )
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a real time')
  .transform((v) => new Date(v).toISOString());

/** GET /v1/allowlist/changes (docs/allowlist-as-code.md, The two-person rule). */
export const allowlistChangesQuery = z.strictObject({
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED'], 'must be PENDING, APPROVED or REJECTED').optional(),
});

/** GET /v1/audit (docs/audit.md, Reading the trail). */
export const auditQuery = listRequestsQuery.pick({ functionName: true, limit: true, nextToken: true }).extend({
  since: isoTime.optional(),
  until: isoTime.optional(),
  requester: token(2048).optional(),
});

/** GET /v1/admin/discover: `limit` counts resource policies read (docs/adoption.md, Adopt). */
export const discoverQuery = listRequestsQuery.pick({ limit: true, nextToken: true });

/** POST /v1/admin/adopt (docs/adoption.md, Adopt). */
export const adoptBody = z.strictObject({
  functionArn: token(256),
  qualifier: createRequestBody.shape.qualifier,
  statementId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a statement id: 1-100 characters of [A-Za-z0-9._-]'),
  durationSeconds: createRequestBody.shape.durationSeconds,
  reason: createRequestBody.shape.reason,
});

export const createRequestQuery = z.strictObject({
  dryRun: z.enum(['true', 'false'], 'must be true or false').optional(),
});

export const noQuery = z.strictObject({});

/** POST /v1/admin/reconcile: a page of the drift reconcile, from where the previous one stopped. */
export const reconcileQuery = z.strictObject({ cursor: token(2048).optional() });

export const decisionBody = z.strictObject({ comment: text(1, 1000).optional() });
/** An approval may be pinned to the statement the approver saw (docs/api.md, `POST /v1/requests/{id}/approve`). */
export const approveBody = z.strictObject({
  comment: text(1, 1000).optional(),
  step: text(1, 64).optional(),
  statementHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be the 64-character hex statementHash of the request')
    .optional(),
});
export const revokeBody = z.strictObject({ reason: text(1, 1000).optional() });
/** More time for an ACTIVE grant (docs/api.md, `POST /v1/requests/{id}/extend`): a new request that extends it. */
export const extendBody = z.strictObject({
  durationSeconds: createRequestBody.shape.durationSeconds,
  reason: createRequestBody.shape.reason,
  ticket: createRequestBody.shape.ticket,
});
export const emptyBody = z.strictObject({});

export const IDEMPOTENCY_KEY = token(255);

/**
 * Parses `value` or throws a ValidationError whose details name each offending field. An unknown field (or query
 * parameter) names itself and the closest known one (docs/adoption.md, Errors that help): "sourceARN is not a known
 * field; did you mean sourceArn?".
 */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: FieldIssue[] = [];
  for (const issue of result.error.issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      // Our strict objects are top-level: that is where the known names are.
      const known = schema instanceof z.ZodObject && issue.path.length === 0 ? Object.keys(schema.shape) : [];
      for (const key of issue.keys) {
        details.push({
          path: base ? `${base}.${key}` : key,
          message: `${key} is not a known field${didYouMean(key, known)}`,
        });
      }
    } else {
      details.push({ path: base || '(body)', message: issue.message });
    }
  }
  throw new ValidationError(details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
}

// Compile-time checks that the schemas produce exactly what the domain expects.
type Assignable<T extends U, U> = T;
export type _AskMatches = Assignable<z.output<typeof createRequestBody>, GrantAsk>;
export type _EntryMatches = Assignable<z.output<typeof allowlistEntryBody>, AllowlistEntryInput>;

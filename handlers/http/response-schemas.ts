/** zod schemas of what the API answers (docs/api.md): the OpenAPI document is generated from them. */
import * as z from 'zod';
import { HISTORY_EVENTS, REQUEST_STATUSES } from '../../domain/model/request';
import type { ImpactReport } from '../../domain/use-cases/recheck-allowlist';
import type { CatalogItem } from '../../domain/use-cases/catalog';
import type { DiscoverPage } from '../../domain/use-cases/discover';
import type { ReconcileReport } from '../../domain/use-cases/reconcile';
import type { SweepReport } from '../../domain/use-cases/sweep';
import type { presentRequest } from './presenters';
import { allowlistEntryBody } from './schemas';

const time = z.string().describe('ISO-8601 UTC');
const nullableTime = time.nullable();

export const errorResponse = z.object({
  error: z.object({
    code: z.enum([
      'ValidationError',
      'Unauthenticated',
      'Forbidden',
      'NotFound',
      'Conflict',
      'PreconditionFailed',
      'PayloadTooLarge',
      'UnsupportedMediaType',
      'TooManyRequests',
      'Internal',
      'Unavailable',
    ]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export const requestResource = z.object({
  id: z.string().nullable().describe('null only in a dry run'),
  kind: z.enum(['invoke', 'eventSourceMapping']),
  status: z.enum(REQUEST_STATUSES),
  requester: z.string().describe("the acting identity: a person's session ARN, a role or user ARN"),
  requesterPerson: z
    .string()
    .describe('who asked: the person key (Identity Center username, lower case), or the role or user ARN'),
  functionArn: z.string(),
  qualifier: z.string().nullable(),
  principal: z.string().nullable(),
  sourceArn: z.string().nullable(),
  sourceAccount: z.string().nullable(),
  principalOrgId: z.string().nullable(),
  eventSourceArn: z.string().nullable(),
  batchSize: z.number().nullable().optional().describe('event source grants only'),
  eventSourceMappingUuid: z.string().nullable().optional().describe('event source grants only; set once ACTIVE'),
  durationSeconds: z.number(),
  reason: z.string(),
  ticket: z.string().nullable(),
  allowlistEntryId: z.string().nullable().describe('null: an adopted statement that no entry permits'),
  statementId: z.string(),
  statement: z
    .object({ Sid: z.string(), Effect: z.literal('Allow') })
    .describe('the statement exactly as AWS stores it'),
  statementHash: z.string().describe('sha256 of the canonical statement'),
  policyPreview: z
    .object({
      readAt: z.string(),
      policyBytes: z.number(),
      policyBytesAfter: z.number(),
      limitBytes: z.number(),
      statements: z.number(),
      overlaps: z.array(z.object({ statementId: z.string(), reason: z.string() })),
    })
    .nullable()
    .describe("the function's policy as it will be with this statement; null for extensions and adoptions"),
  warnings: z
    .array(z.string())
    .describe('what approvers should know (source proof, Access Analyzer); each starts with its field'),
  requiredApprovals: z.number().describe("the quorum: the entry's requiredApprovals at the last decision"),
  approvals: z.array(
    z.object({
      approver: z.string().describe('the acting identity: a session ARN, a role or user ARN, or slack:<user id>'),
      person: z.string().describe('who approved: the person key, or the role or user ARN'),
      at: time,
      comment: z.string().nullable(),
      counted: z
        .boolean()
        .describe('counts towards the quorum as of the last decision: an eligible approver then, one per person'),
      step: z.string().nullable().describe('the approval step it counts in; null for an entry without steps'),
    }),
  ),
  approvalSteps: z
    .array(z.object({ name: z.string(), requiredApprovals: z.number(), counted: z.number() }))
    .nullable()
    .describe("each approval step's progress as of the last decision; null for an entry without steps"),
  startsAt: nullableTime.describe('when the grant starts (SCHEDULED until then); null: as soon as it is approved'),
  createdAt: time,
  updatedAt: time,
  activatedAt: nullableTime,
  expiresAt: nullableTime,
  endedAt: nullableTime,
  failure: z.object({ reason: z.string(), at: time }).nullable(),
  removalBlockedSince: nullableTime.describe(
    'when AWS first refused to remove this ACTIVE grant for good (history REMOVAL_BLOCKED); retried every 5 minutes',
  ),
  history: z.array(
    z.object({ at: time, event: z.enum(HISTORY_EVENTS), actor: z.string(), detail: z.record(z.string(), z.unknown()) }),
  ),
  extends: z.string().nullable().describe('the ACTIVE grant this request extends; null for a grant'),
  extensions: z.array(z.string()).describe('the requests that extend this one, oldest first'),
});

export const requestList = z.object({ items: z.array(requestResource), nextToken: z.string().nullable() });

export const allowlistEntryResource = allowlistEntryBody.extend({
  id: z.string(),
  version: z
    .number()
    .int()
    .min(1)
    .describe('1 when created, one more at each change; the ETag, and what If-Match names'),
  updatedAt: time,
  updatedBy: z.string(),
});
export const allowlistList = z.object({ items: z.array(allowlistEntryResource) });
/**
 * GET /v1/catalog (docs/adoption.md, What may I ask for?): what an entry that lists the caller allows, without who else
 * may ask.
 */
export const catalogList = z.object({
  items: z.array(
    allowlistEntryBody
      .pick({
        description: true,
        functions: true,
        principals: true,
        sourceArns: true,
        eventSourceArns: true,
        principalOrgIds: true,
        sourceAccounts: true,
        maxDurationSeconds: true,
        requiredApprovals: true,
        autoApprove: true,
        approvers: true,
        approverGroups: true,
        approvalSteps: true,
        maxStartDelaySeconds: true,
      })
      .extend({
        entryId: z.string(),
        sourceAccounts: z
          .array(z.string())
          .nullable()
          .describe('accounts that may own the source; null: the account that owns the function'),
      }),
  ),
});
/** The answer to a PUT: the entry as stored, and what is legal but risky in it (docs/adoption.md, Errors that help). */
export const allowlistEntryWritten = allowlistEntryResource.extend({
  warnings: z.array(z.string()).describe('each starts with the path of the field it is about, e.g. principals.0'),
});

export const impactReport = z.object({
  kept: z.array(z.string()).describe('still permitted by their entry'),
  rematched: z
    .array(z.object({ id: z.string(), entryId: z.string() }))
    .describe('permitted by another entry, which they move to'),
  ended: z
    .array(z.object({ id: z.string(), status: z.enum(['REJECTED', 'REVOKED']), reason: z.string() }))
    .describe('permitted by no entry: PENDING ends REJECTED, APPROVED and ACTIVE end REVOKED'),
  warnings: z
    .array(z.string())
    .optional()
    .describe('POST only: what a PUT of this body would answer as legal but risky'),
});

export const sweepReport = z.object({
  timedOut: z.number(),
  activated: z.number(),
  failed: z.number(),
  expired: z.number(),
  revoked: z.number(),
  extended: z.number(),
  skipped: z.number(),
  retryLater: z.number(),
  errors: z.array(z.object({ requestId: z.string(), error: z.string() })),
  itemsRead: z.number(),
  rechecked: z
    .number()
    .describe('allowlist entries whose change had not been re-checked after 2 minutes, re-checked by this sweep'),
  overdue: z
    .object({ count: z.number(), oldestSeconds: z.number() })
    .describe('ACTIVE grants more than 60 s past their end, whatever the cause, and the oldest one’s age'),
});

export const reconcileReport = z.object({
  checkedFunctions: z.number().describe("policies checked: a function's, or one of its versions' or aliases'"),
  orphansRemoved: z.array(
    z.object({ functionArn: z.string(), qualifier: z.string().nullable(), statementId: z.string() }),
  ),
  missing: z.array(
    z.object({
      requestId: z.string(),
      functionArn: z.string(),
      statementId: z.string(),
      action: z.enum(['REAPPLIED', 'FLAGGED']),
      part: z
        .enum(['statement', 'rolePolicy', 'mapping'])
        .describe('event source grants: their role policy or mapping'),
      reason: z.string(),
    }),
  ),
  failures: z
    .array(z.object({ functionArn: z.string(), qualifier: z.string().nullable(), error: z.string() }))
    .describe('targets that could not be checked; the others were'),
  accountsUnreachable: z
    .array(z.string())
    .describe('target accounts that could not be reached at all; the others were reconciled'),
  nextCursor: z
    .string()
    .nullable()
    .describe('functions are left for another page: POST again with ?cursor=<this>; null when all were checked'),
});

const fieldIssues = z.array(z.object({ path: z.string(), message: z.string() }));

/**
 * GET /v1/admin/discover (docs/adoption.md, Adopt): statements the broker does not manage, judged as adopt would judge
 * them.
 */
export const discoverPage = z.object({
  items: z.array(
    z.object({
      functionArn: z.string(),
      qualifier: z.string().nullable(),
      statementId: z.string(),
      statement: z.record(z.string(), z.unknown()).describe('the statement as Lambda returned it'),
      floorViolations: fieldIssues.describe('empty: it meets the safety floor and can be adopted'),
      permittedBy: z.string().nullable().describe('the first allowlist entry that permits such a grant, or null'),
    }),
  ),
  nextToken: z.string().nullable().describe('more policies to read: pass it back as nextToken'),
  accountsUnreachable: z.array(z.string()).describe('target accounts whose functions could not be listed'),
});

export const healthResponse = z.object({ status: z.literal('ok') });

export const slackAnswer = z
  .object({
    response_type: z.literal('ephemeral'),
    replace_original: z.boolean(),
    text: z.string(),
    blocks: z.array(z.record(z.string(), z.unknown())),
    /** A modal's refused submission: the message to show under each block (docs/slack.md). */
    response_action: z.literal('errors'),
    errors: z.record(z.string(), z.string()),
  })
  .partial();

// Compile-time checks that what the handlers return fits the documented shapes.
type Assignable<T extends U, U> = T;
export type _RequestFits = Assignable<ReturnType<typeof presentRequest>, z.input<typeof requestResource>>;
export type _SweepFits = Assignable<SweepReport, z.input<typeof sweepReport>>;
export type _ReconcileFits = Assignable<ReconcileReport, z.input<typeof reconcileReport>>;
export type _ImpactFits = Assignable<ImpactReport, z.input<typeof impactReport>>;
export type _CatalogFits = Assignable<{ items: CatalogItem[] }, z.input<typeof catalogList>>;
export type _DiscoverFits = Assignable<DiscoverPage, z.input<typeof discoverPage>>;

/** One history event of one request, as the audit trail and the `Grant <Event>` details carry it (docs/audit.md). */
export const grantEventFields = z.strictObject({
  requestId: z.string(),
  event: z.enum(HISTORY_EVENTS).describe('the history event; the DetailType is it in title case after "Grant "'),
  actor: z.string().describe('who: an IAM or STS ARN, slack:<user id>, or the broker itself (sweep, allowlist, …)'),
  at: time,
  status: z.enum(REQUEST_STATUSES).describe('the request’s status once this change was stored'),
  functionArn: z.string(),
  qualifier: z.string().nullable(),
  principal: z.string().nullable(),
  sourceArn: z.string().nullable(),
  eventSourceArn: z.string().nullable(),
  statementId: z.string(),
  statementHash: z.string(),
  allowlistEntryId: z.string().nullable(),
  sequence: z.number().int().min(1).describe('the event’s place in the request’s history, from 1'),
  detail: z.record(z.string(), z.unknown()).describe('the history event’s own detail (comment, reason, …)'),
});

/** GET /v1/audit (docs/audit.md, Reading the trail): history events across requests, in time order. */
export const auditPage = z.object({
  items: z.array(grantEventFields.extend({ requester: z.string(), requesterPerson: z.string() })),
  nextToken: z.string().nullable().describe('where the next page starts; null at the end of the window'),
});

/** A proposed allowlist change (docs/allowlist-as-code.md, The two-person rule). */
export const allowlistChangeResource = z.object({
  id: z.string(),
  entryId: z.string(),
  action: z.enum(['put', 'delete']),
  body: allowlistEntryBody.nullable().describe('the entry to put; null for a delete'),
  proposedBy: z.string(),
  proposedByPerson: z.string(),
  proposedAt: time,
  baseVersion: z.number().int().nullable().describe('the entry’s version when proposed; null: no entry yet'),
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED']),
  diff: z
    .array(
      z.object({
        field: z.string(),
        before: z.unknown().optional().describe('absent: the entry had no such field (or there was no entry)'),
        after: z.unknown(),
        added: z.array(z.unknown()).optional(),
        removed: z.array(z.unknown()).optional(),
      }),
    )
    .describe('field by field, against the entry when proposed'),
  impact: impactReport.omit({ warnings: true }).describe('what it would do to live grants, when proposed'),
  decidedBy: z.string().nullable(),
  decidedAt: nullableTime,
  comment: z.string().nullable(),
});
export const allowlistChangeList = z.object({ items: z.array(allowlistChangeResource) });

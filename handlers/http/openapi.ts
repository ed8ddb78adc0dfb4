/**
 * The OpenAPI 3.1 document, generated from the route table, the zod schemas the handlers validate with and the error
 * table, so it cannot drift from them. Served at GET /v1/openapi.json; `npm run openapi` writes docs/openapi.json.
 * Each operation names the domain errors its own code may raise; its error responses are their statuses in
 * error-response.ts's table, plus what the shared pipeline answers for every route of its kind.
 */
import * as z from 'zod';
import {
  AccountNotTargetedError,
  AdoptionInProgressError,
  AllowlistDeniedError,
  ChangeAlreadyDecidedError,
  EntryChangedSinceProposalError,
  EntryPreconditionFailedError,
  AlreadyApprovedError,
  ExtensionLimitError,
  ExtensionPendingError,
  GrantEndingError,
  IdempotencyKeyReusedError,
  KeptChangingError,
  NotAdminError,
  NotAuditorError,
  NotAnApproverError,
  NotFoundError,
  NotRequesterError,
  SelfDecisionError,
  NoLongerPermittedError,
  StatementChangedError,
  TooManyPendingError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
  WrongStatusError,
} from '../../domain/errors';
import { ERROR_TABLE, type ErrorClass } from './error-response';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors';
import {
  allowlistEntryResource,
  allowlistChangeList,
  allowlistChangeResource,
  allowlistEntryWritten,
  auditPage,
  allowlistList,
  catalogList,
  discoverPage,
  errorResponse,
  healthResponse,
  impactReport,
  reconcileReport,
  requestList,
  requestResource,
  slackAnswer,
  sweepReport,
} from './response-schemas';
import { ROUTES, type Route } from './routes';
import {
  adoptBody,
  allowlistChangesQuery,
  allowlistEntryBody,
  auditQuery,
  createRequestBody,
  createRequestQuery,
  approveBody,
  decisionBody,
  discoverQuery,
  emptyBody,
  extendBody,
  listRequestsQuery,
  noQuery,
  reconcileQuery,
  revokeBody,
} from './schemas';

interface OperationDoc {
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  headers?: Record<string, string>;
  ok: [number, z.ZodType | null];
  /** A second success status, e.g. 202 while work finishes behind the answer. */
  alsoOk?: [number, z.ZodType, string];
  /** The errors the operation's own code (and its use case) may raise; the pipeline's come from the route. */
  errors: readonly ErrorClass[];
}

/** Every operation that reads or writes the table (or calls AWS) may find it throttled or down. */
const STORE = [UnavailableError] as const;
const ADMIN_ONLY = [NotAdminError, ...STORE] as const;
/** A decision on a request: it must exist for the caller, be in the right status, and not change under the retries. */
const DECIDING = [NotFoundError, WrongStatusError, KeptChangingError, ...STORE] as const;
const APPROVER_RULES = [SelfDecisionError, NotAnApproverError, AlreadyApprovedError] as const;

export const OPERATION_DOCS: Readonly<Record<string, OperationDoc>> = {
  health: { summary: 'The API answers', ok: [200, healthResponse], errors: [] },
  openApi: { summary: 'This document', ok: [200, null], errors: [] },
  listAllowlist: { summary: 'List allowlist entries (admins)', ok: [200, allowlistList], errors: ADMIN_ONLY },
  getAllowlistEntry: {
    summary: 'Read an allowlist entry (admins)',
    ok: [200, allowlistEntryResource],
    errors: [NotFoundError, ...ADMIN_ONLY],
  },
  putAllowlistEntry: {
    summary:
      "Create or replace an allowlist entry (admins). Refuses (400, naming the field) what can never match; answers warnings for what is legal but risky. The entry's live requests are matched again behind the answer, as for a delete",
    body: allowlistEntryBody,
    headers: {
      'If-Match':
        '"<version>": only while the entry is at that version (412 otherwise, nothing changed); *: only if it exists',
      'If-None-Match': '*: only if no entry has this id (412 otherwise)',
    },
    ok: [200, allowlistEntryWritten],
    alsoOk: [202, allowlistChangeResource, 'With BROKER_ALLOWLIST_CHANGE_APPROVALS=1: a proposal; nothing changed'],
    errors: [ValidationError, EntryPreconditionFailedError, ...ADMIN_ONLY],
  },
  deleteAllowlistEntry: {
    summary:
      "Delete an allowlist entry (admins). The entry's PENDING, APPROVED and ACTIVE requests are matched again behind the answer: moved to another entry that permits them, or ended (REJECTED / REVOKED, permission removed within 5 s)",
    headers: { 'If-Match': '"<version>": only while the entry is at that version (412 otherwise, nothing changed)' },
    ok: [204, null],
    alsoOk: [202, allowlistChangeResource, 'With BROKER_ALLOWLIST_CHANGE_APPROVALS=1: a proposal; nothing changed'],
    errors: [NotFoundError, ValidationError, EntryPreconditionFailedError, ...ADMIN_ONLY],
  },
  listAllowlistChanges: {
    summary: 'The two-person rule’s proposed allowlist changes, newest first (admins)',
    query: allowlistChangesQuery,
    ok: [200, allowlistChangeList],
    errors: [ValidationError, ...ADMIN_ONLY],
  },
  approveAllowlistChange: {
    summary:
      'Approve a proposed allowlist change (another admin than the proposer): it is applied against the version it was proposed on, 409 if the entry changed since',
    body: decisionBody,
    ok: [200, allowlistChangeResource],
    errors: [
      ValidationError,
      NotFoundError,
      SelfDecisionError,
      ChangeAlreadyDecidedError,
      EntryChangedSinceProposalError,
      ...ADMIN_ONLY,
    ],
  },
  rejectAllowlistChange: {
    summary: 'Reject a proposed allowlist change (another admin than the proposer); nothing changes',
    body: decisionBody,
    ok: [200, allowlistChangeResource],
    errors: [ValidationError, NotFoundError, SelfDecisionError, ChangeAlreadyDecidedError, ...ADMIN_ONLY],
  },
  previewAllowlistDelete: {
    summary: 'Preview what deleting the entry would do to its live requests (admins); changes nothing',
    ok: [200, impactReport],
    errors: [NotFoundError, ...ADMIN_ONLY],
  },
  previewAllowlistPut: {
    summary: 'Preview what putting this entry (the PUT body) would do to its live requests (admins); changes nothing',
    body: allowlistEntryBody,
    ok: [200, impactReport],
    errors: [ValidationError, ...ADMIN_ONLY],
  },
  createRequest: {
    summary: 'Ask for a time-boxed grant (201; 200 for ?dryRun=true)',
    body: createRequestBody,
    query: createRequestQuery,
    headers: {
      'Idempotency-Key': 'the same key and body from the same caller within 24 h returns the original request',
    },
    ok: [201, requestResource],
    errors: [
      ValidationError,
      AccountNotTargetedError,
      AllowlistDeniedError,
      TooManyPendingError,
      IdempotencyKeyReusedError,
      NotFoundError,
      ...STORE,
    ],
  },
  listRequests: {
    summary:
      'Requests the caller made or may approve (admins: all), newest first. One call reads at most 1,000 stored items whatever the filters: a page may hold fewer than limit, even none, and still have a nextToken. overdue=true (admins): ACTIVE grants more than 60 s past their end (or revoke), oldest first',
    query: listRequestsQuery,
    ok: [200, requestList],
    errors: [ValidationError, NotAdminError, ...STORE],
  },
  getRequest: { summary: 'Read a request', ok: [200, requestResource], errors: [NotFoundError, ...STORE] },
  getCatalog: {
    summary:
      'What may I ask for? The allowlist entries that list the caller as a requester, by the rule a create applies (others are not shown, not even by count)',
    ok: [200, catalogList],
    errors: STORE,
  },
  approveRequest: {
    summary:
      "Approve (eligible approvers of the request's entry as it is now, never the requester's person); optionally pinned to the statementHash shown (409 if it changed). The quorum is the entry's requiredApprovals now, and only approvals of people who are eligible now count (approvals[].counted); 409 when the entry no longer allows the request. Answers within 2 s: ACTIVE if the grant was applied by then, else APPROVED (it becomes ACTIVE or FAILED shortly after)",
    body: approveBody,
    ok: [200, requestResource],
    errors: [...APPROVER_RULES, StatementChangedError, NoLongerPermittedError, ...DECIDING],
  },
  rejectRequest: {
    summary: 'Reject (eligible approvers)',
    body: decisionBody,
    ok: [200, requestResource],
    errors: [...APPROVER_RULES, ...DECIDING],
  },
  cancelRequest: {
    summary: 'Cancel a PENDING request (its requester)',
    body: emptyBody,
    ok: [200, requestResource],
    errors: [NotRequesterError, ...DECIDING],
  },
  revokeRequest: {
    summary: 'Revoke an ACTIVE grant now (requester, eligible approver, admin)',
    body: revokeBody,
    ok: [200, requestResource],
    alsoOk: [
      202,
      requestResource,
      'Accepted: the revoke is recorded (history REVOKE_REQUESTED) and the permission is being removed; the request becomes REVOKED shortly',
    ],
    errors: DECIDING,
  },
  extendRequest: {
    summary:
      "Ask for more time on your ACTIVE grant without interrupting it (its requester): 201 with a new request that extends it, PENDING, or final at once (EXTENDED or FAILED; APPROVED while it takes effect) when auto-approved. Allowed as a fresh ask would be: the time the grant still has plus durationSeconds must fit the entry's maxDurationSeconds (403 otherwise). At its quorum the grant's expiresAt moves by durationSeconds; no Lambda or IAM call is made. 409 when the grant is not ACTIVE, is being revoked, already has an extension waiting, or has been extended maxExtensions times",
    body: extendBody,
    ok: [201, requestResource],
    errors: [
      ValidationError,
      NotRequesterError,
      AllowlistDeniedError,
      TooManyPendingError,
      GrantEndingError,
      ExtensionPendingError,
      ExtensionLimitError,
      ...DECIDING,
    ],
  },
  runSweep: { summary: 'Run one sweep now (admins)', ok: [200, sweepReport], errors: ADMIN_ONLY },
  runReconcile: {
    summary:
      "Compare what AWS holds with the ACTIVE grants and repair drift (admins): every matched function's policy and each of its versions' and aliases', event source grants' mappings and role policies. One page per call, within the API's time limit: while nextCursor is not null, POST again with ?cursor=",
    query: reconcileQuery,
    ok: [200, reconcileReport],
    errors: [ValidationError, ...ADMIN_ONLY],
  },
  discoverStatements: {
    summary:
      "Statements in the broker's functions' policies that it does not manage, with their safety-floor violations and the entry that permits them (admins). Pages by policies read",
    query: discoverQuery,
    ok: [200, discoverPage],
    errors: [ValidationError, ...ADMIN_ONLY],
  },
  listAudit: {
    summary:
      'The audit trail across requests (admins and BROKER_AUDITORS): history events in time order, by default of the last 24 hours; filtered by function and requester; pages of at most 1,000 records read',
    query: auditQuery,
    ok: [200, auditPage],
    errors: [ValidationError, NotAuditorError, ...STORE],
  },
  adoptStatement: {
    summary:
      'Turn an unmanaged statement into a managed grant expiring after durationSeconds (admins): the broker adds its own statement with the same meaning, reads it back, then removes the old one. 201 with the request ACTIVE, or APPROVED while the swap finishes; 400 naming statementId with the floor violations; 404 when the statement is not there',
    body: adoptBody,
    ok: [201, requestResource],
    errors: [ValidationError, AccountNotTargetedError, NotFoundError, AdoptionInProgressError, ...ADMIN_ONLY],
  },
  slackInteraction: {
    summary:
      "Slack interactivity (signed): approvers' and requesters' button clicks, and the request and extend modals' submissions (field errors are a 200 with response_action errors); refusals are a 200 with an ephemeral message",
    ok: [200, slackAnswer],
    errors: [UnauthenticatedError, ValidationError, ...STORE],
  },
  slackCommand: {
    summary:
      'The signed /lpb slash command of a Slack user linked in BROKER_SLACK_USERS: request opens the request modal, list answers its waiting and active grants, anything else the help; every answer is ephemeral',
    ok: [200, slackAnswer],
    errors: [UnauthenticatedError, ValidationError, ...STORE],
  },
};

/** The query parameters an operation takes (none unless its doc declares them): the pipeline refuses any other. */
export function querySchemaOf(operation: string): z.ZodObject {
  return OPERATION_DOCS[operation]?.query ?? noQuery;
}

/** What the shared pipeline may answer on a route, whatever its operation (api-handler.ts). */
function pipelineErrors(route: Route): ErrorClass[] {
  // Query parameters are checked on every route; a body must fit in 64 KiB and be UTF-8 (JSON where it is parsed).
  const errors: ErrorClass[] = [ValidationError, PayloadTooLargeError];
  if ((route.method === 'POST' || route.method === 'PUT') && route.auth !== 'slack') {
    errors.push(UnsupportedMediaTypeError);
  }
  if (route.auth === 'caller') errors.push(UnauthenticatedError);
  return errors;
}

/** Each error status of an operation, with the error classes behind it (500 always: anything unexpected). */
export function errorResponses(route: Route, doc: OperationDoc): Map<number, string[]> {
  const byStatus = new Map<number, string[]>();
  for (const type of new Set([...pipelineErrors(route), ...doc.errors])) {
    const row = ERROR_TABLE.find(([mapped]) => mapped === type);
    if (!row) throw new Error(`${type.name} (an error of ${route.operation}) has no row in the error table`);
    byStatus.set(row[1], [...(byStatus.get(row[1]) ?? []), type.name]);
  }
  byStatus.set(500, ['anything unexpected (no details)']);
  return new Map([...byStatus.entries()].sort(([a], [b]) => a - b));
}

const json = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};

function operationObject(route: Route) {
  const doc = OPERATION_DOCS[route.operation];
  if (!doc) throw new Error(`no OpenAPI description for operation ${route.operation}`);
  const parameters: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (doc.query) {
    const shape = json(doc.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(shape.properties ?? {})) {
      parameters.push({ name, in: 'query', required: (shape.required ?? []).includes(name), schema });
    }
  }
  for (const [name, description] of Object.entries(doc.headers ?? {})) {
    parameters.push({ name, in: 'header', required: false, description, schema: { type: 'string', maxLength: 255 } });
  }
  const [okStatus, okSchema] = doc.ok;
  const responses: Record<string, unknown> = {
    [okStatus]: okSchema
      ? { description: 'OK', content: { 'application/json': { schema: json(okSchema, 'output') } } }
      : { description: 'OK' },
  };
  if (doc.alsoOk) {
    const [status, schema, description] = doc.alsoOk;
    responses[status] = { description, content: { 'application/json': { schema: json(schema, 'output') } } };
  }
  for (const [status, causes] of errorResponses(route, doc)) {
    responses[status] = {
      description: `Error: ${causes.join(', ')}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    operationId: route.operation,
    summary: doc.summary,
    ...(route.auth === 'caller' ? { security: [{ sigv4: [] }] } : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: [
              'createRequest',
              'putAllowlistEntry',
              'previewAllowlistPut',
              'extendRequest',
              'adoptStatement',
            ].includes(route.operation),
            content: {
              [route.auth === 'slack' ? 'application/x-www-form-urlencoded' : 'application/json']: {
                schema: json(doc.body, 'input'),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method.toLowerCase()] = operationObject(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'lambda-permission-broker',
      version: '1.0.0',
      description: 'Self-service, time-boxed Lambda invocation grants. Contract: shared/API.md.',
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'local runner' }],
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 (API Gateway AWS_IAM authorization)',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
      schemas: { Error: json(errorResponse, 'output') },
    },
    paths,
  };
}

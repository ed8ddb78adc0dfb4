/** Requester and approver commands: create, get, list, approve, reject, cancel, revoke, extend, catalog. */
import { approvePinned } from '../api/pinned-approve';
import type { BrokerRequest } from '../api/broker-request';
import { idPath, optional, str, withQuery, type ApiCommand } from '../command';
import { parseDuration } from '../duration';
import { catalogTable } from '../output/entry-views';
import { requestSummary, requestTable } from '../output/request-views';

/** What --wait waits for on a request that should start (or, for an extension, take effect). */
/** Where --wait stops well: the grant is live, or scheduled to start later (it may be hours). */
const LIVE = ['ACTIVE', 'EXTENDED', 'SCHEDULED'];

const reason = { type: 'string', description: 'why (10-1000 characters)', required: true } as const;
const duration = { type: 'string', description: 'how long: seconds, or 90m, 12h, 7d', required: true } as const;
const ticket = { type: 'string', description: 'change ticket' } as const;

export const create: ApiCommand = {
  summary: 'Ask for a time-boxed grant',
  usage:
    'lpb create --function NAME --duration 1h --reason TEXT (--principal P [--source-arn ARN] | --event-source-arn ARN) [--starts-at TIME]',
  args: [],
  waitFor: LIVE,
  view: requestSummary,
  options: {
    function: { type: 'string', description: 'function name or ARN (optionally :qualifier)', required: true },
    qualifier: { type: 'string', description: 'version or alias' },
    principal: { type: 'string', description: 'service principal, account id, IAM ARN or *' },
    'source-arn': { type: 'string', description: 'the resource allowed to invoke (required for service principals)' },
    'source-account': { type: 'string', description: 'account owning the source (required for S3)' },
    'org-id': { type: 'string', description: 'organization id (required with principal *)' },
    'event-source-arn': { type: 'string', description: 'SQS queue, Kinesis or DynamoDB stream to poll' },
    'batch-size': { type: 'string', description: 'event source batch size' },
    duration,
    reason,
    ticket,
    'starts-at': { type: 'string', description: 'start later: an ISO-8601 time such as 2026-12-12T08:00:00Z' },
    'dry-run': { type: 'boolean', description: 'validate and show the would-be request; store nothing' },
    'idempotency-key': {
      type: 'string',
      description: 'the same key and body within 24 h returns the original request',
    },
  },
  send: ({ client, values: v }) => {
    const batchSize = str(v['batch-size']);
    const body = {
      functionName: str(v.function),
      ...optional(v, 'qualifier'),
      ...optional(v, 'principal'),
      ...optional(v, 'source-arn', 'sourceArn'),
      ...optional(v, 'source-account', 'sourceAccount'),
      ...optional(v, 'org-id', 'principalOrgId'),
      ...optional(v, 'event-source-arn', 'eventSourceArn'),
      ...(batchSize === undefined ? {} : { batchSize: Number(batchSize) }),
      durationSeconds: parseDuration(str(v.duration) ?? ''),
      reason: str(v.reason),
      ...optional(v, 'ticket'),
      ...optional(v, 'starts-at', 'startsAt'),
    };
    const key = str(v['idempotency-key']);
    return client.call('POST', `v1/requests${v['dry-run'] ? '?dryRun=true' : ''}`, {
      body,
      ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
    });
  },
};

export const get: ApiCommand = {
  summary: 'Show one request: every field, its statement and history',
  usage: 'lpb get ID',
  args: ['id'],
  waitFor: LIVE,
  view: requestSummary,
  options: {},
  send: ({ client, args }) => client.call('GET', `v1/requests/${idPath(args)}`),
};

export const list: ApiCommand = {
  summary: 'List requests you made or may approve (admins: all)',
  usage: 'lpb list [--status PENDING] [--function NAME] [--overdue] [--limit 25] [--next-token T]',
  args: [],
  view: requestTable,
  options: {
    status: { type: 'string', description: 'PENDING, ACTIVE, EXPIRED, …' },
    function: { type: 'string', description: 'function name or ARN' },
    overdue: { type: 'boolean', description: 'only grants more than 60 s past their end, oldest first (admins)' },
    limit: { type: 'string', description: '1-100 (default 25)' },
    'next-token': { type: 'string', description: 'from the previous page' },
  },
  send: ({ client, values: v }) =>
    client.call(
      'GET',
      withQuery('v1/requests', {
        ...optional(v, 'status'),
        ...optional(v, 'function', 'functionName'),
        ...(v.overdue === true ? { overdue: 'true' } : {}),
        ...optional(v, 'limit'),
        ...optional(v, 'next-token', 'nextToken'),
      }),
    ),
};

export const approve: ApiCommand = {
  summary: 'Approve a request, pinned to the statement you saw (eligible approvers; not your own)',
  usage: 'lpb approve ID [--comment TEXT] [--statement-hash HASH] [--step NAME]',
  args: ['id'],
  waitFor: LIVE,
  view: requestSummary,
  options: {
    comment: { type: 'string', description: 'recorded with the approval' },
    step: {
      type: 'string',
      description: 'the approval step to count in (default: the first still short you approve in)',
    },
    'statement-hash': {
      type: 'string',
      description: 'the statementHash you reviewed (lpb get); without it, the statement shown on stderr now',
    },
  },
  send: async ({ client, args, values, io }) => {
    const call = (method: string, path: string, body?: unknown) =>
      client.call(method, path, body === undefined ? {} : { body });
    let statementHash = str(values['statement-hash']);
    if (statementHash === undefined) {
      const shown = await client.call('GET', `v1/requests/${idPath(args)}`);
      if (shown.status !== 200) return shown;
      const request = shown.body as BrokerRequest;
      statementHash = request.statementHash;
      io.err(`approving this statement (statementHash ${statementHash}):\n${JSON.stringify(request.statement)}\n`);
    }
    const comment = str(values.comment);
    const step = str(values.step);
    return approvePinned(call, args[0] ?? '', {
      statementHash,
      ...(comment ? { comment } : {}),
      ...(step ? { step } : {}),
    });
  },
};

export const reject: ApiCommand = {
  summary: 'Reject a request',
  usage: 'lpb reject ID [--comment TEXT]',
  args: ['id'],
  view: requestSummary,
  options: { comment: { type: 'string', description: 'recorded with the rejection' } },
  send: ({ client, args, values }) =>
    client.call('POST', `v1/requests/${idPath(args)}/reject`, { body: optional(values, 'comment') }),
};

export const cancel: ApiCommand = {
  summary: 'Withdraw your PENDING request',
  usage: 'lpb cancel ID',
  args: ['id'],
  view: requestSummary,
  options: {},
  send: ({ client, args }) => client.call('POST', `v1/requests/${idPath(args)}/cancel`, { body: {} }),
};

export const revoke: ApiCommand = {
  summary: 'Remove an ACTIVE grant now (--wait follows it until REVOKED)',
  usage: 'lpb revoke ID [--reason TEXT]',
  args: ['id'],
  waitFor: ['REVOKED'],
  view: requestSummary,
  options: { reason: { type: 'string', description: 'recorded with the revoke' } },
  send: ({ client, args, values }) =>
    client.call('POST', `v1/requests/${idPath(args)}/revoke`, { body: optional(values, 'reason') }),
};

export const extend: ApiCommand = {
  summary: 'Ask to extend your ACTIVE grant without interrupting it (a new request that extends it)',
  usage: 'lpb extend ID --duration 2h --reason TEXT [--ticket T]',
  args: ['id'],
  waitFor: ['EXTENDED'],
  view: requestSummary,
  options: { duration, reason, ticket },
  send: ({ client, args, values: v }) =>
    client.call('POST', `v1/requests/${idPath(args)}/extend`, {
      body: { durationSeconds: parseDuration(str(v.duration) ?? ''), reason: str(v.reason), ...optional(v, 'ticket') },
    }),
};

export const catalog: ApiCommand = {
  summary: 'What may I ask for? The allowlist entries that list you as a requester',
  usage: 'lpb catalog',
  args: [],
  view: catalogTable,
  options: {},
  send: ({ client }) => client.call('GET', 'v1/catalog'),
};

/** The `lpb` commands: their options, help and what each sends to the API. */
import type { BrokerClient, ApiResponse } from './broker-client';

export const EXIT = {
  OK: 0,
  /** Wrong command line. */
  USAGE: 1,
  /** The API refused (4xx): validation, identity, allowlist, state. */
  REFUSED: 2,
  /** The API or network failed (5xx, unreachable): retrying may help. */
  FAILED: 3,
  /** --wait: the request ended without becoming ACTIVE (REJECTED, FAILED, …). */
  NOT_ACTIVE: 4,
  /** --wait: still not final when the wait ran out. */
  WAIT_TIMEOUT: 5,
} as const;

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; description: string; required?: boolean }>;

export interface Command {
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Positional argument names. */
  args: string[];
  /** Whether --wait applies (the answer is a request to follow until ACTIVE or final). */
  waitable: boolean;
  send(
    client: BrokerClient,
    args: string[],
    values: Record<string, string | boolean | undefined>,
  ): Promise<ApiResponse>;
}

const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
const id = (args: string[]) => encodeURIComponent(args[0] ?? '');
const comment = (values: Record<string, string | boolean | undefined>, key: string) =>
  str(values[key]) === undefined ? {} : { [key]: str(values[key]) };

/** `3600`, `90m`, `12h`, `7d` → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) throw new Error(`--duration: "${text}" is not a duration such as 3600, 90m, 12h or 7d`);
  const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * factor;
}

export const COMMANDS: Record<string, Command> = {
  create: {
    summary: 'Ask for a time-boxed grant',
    usage:
      'lpb create --function NAME --duration 1h --reason TEXT (--principal P [--source-arn ARN] | --event-source-arn ARN)',
    args: [],
    waitable: true,
    options: {
      function: { type: 'string', description: 'function name or ARN (optionally :qualifier)', required: true },
      qualifier: { type: 'string', description: 'version or alias' },
      principal: { type: 'string', description: 'service principal, account id, IAM ARN or *' },
      'source-arn': { type: 'string', description: 'the resource allowed to invoke (required for service principals)' },
      'source-account': { type: 'string', description: 'account owning the source (required for S3)' },
      'org-id': { type: 'string', description: 'organization id (required with principal *)' },
      'event-source-arn': { type: 'string', description: 'SQS queue, Kinesis or DynamoDB stream to poll' },
      'batch-size': { type: 'string', description: 'event source batch size' },
      duration: { type: 'string', description: 'how long: seconds, or 90m, 12h, 7d', required: true },
      reason: { type: 'string', description: 'why (10-1000 characters)', required: true },
      ticket: { type: 'string', description: 'change ticket' },
      'dry-run': { type: 'boolean', description: 'validate and show the would-be request; store nothing' },
      'idempotency-key': {
        type: 'string',
        description: 'the same key and body within 24 h returns the original request',
      },
    },
    send: (client, _args, v) => {
      const body = {
        functionName: str(v.function),
        qualifier: str(v.qualifier),
        principal: str(v.principal),
        sourceArn: str(v['source-arn']),
        sourceAccount: str(v['source-account']),
        principalOrgId: str(v['org-id']),
        eventSourceArn: str(v['event-source-arn']),
        batchSize: str(v['batch-size']) === undefined ? undefined : Number(str(v['batch-size'])),
        durationSeconds: parseDuration(str(v.duration) ?? ''),
        reason: str(v.reason),
        ticket: str(v.ticket),
      };
      const key = str(v['idempotency-key']);
      return client.call('POST', `v1/requests${v['dry-run'] ? '?dryRun=true' : ''}`, {
        body: JSON.parse(JSON.stringify(body)) as unknown,
        ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
      });
    },
  },
  get: {
    summary: 'Show one request',
    usage: 'lpb get ID',
    args: ['id'],
    waitable: true,
    options: {},
    send: (client, args) => client.call('GET', `v1/requests/${id(args)}`),
  },
  list: {
    summary: 'List requests you made or may approve (admins: all)',
    usage: 'lpb list [--status PENDING] [--function NAME] [--limit 25] [--next-token T]',
    args: [],
    waitable: false,
    options: {
      status: { type: 'string', description: 'PENDING, ACTIVE, EXPIRED, …' },
      function: { type: 'string', description: 'function name or ARN' },
      limit: { type: 'string', description: '1-100 (default 25)' },
      'next-token': { type: 'string', description: 'from the previous page' },
    },
    send: (client, _args, v) => {
      const q = new URLSearchParams();
      for (const [flag, param] of [
        ['status', 'status'],
        ['function', 'functionName'],
        ['limit', 'limit'],
        ['next-token', 'nextToken'],
      ] as const) {
        const value = str(v[flag]);
        if (value !== undefined) q.set(param, value);
      }
      return client.call('GET', `v1/requests${q.size > 0 ? `?${q.toString()}` : ''}`);
    },
  },
  approve: {
    summary: 'Approve a request (eligible approvers; not your own)',
    usage: 'lpb approve ID [--comment TEXT]',
    args: ['id'],
    waitable: true,
    options: { comment: { type: 'string', description: 'recorded with the approval' } },
    send: (client, args, v) => client.call('POST', `v1/requests/${id(args)}/approve`, { body: comment(v, 'comment') }),
  },
  reject: {
    summary: 'Reject a request',
    usage: 'lpb reject ID [--comment TEXT]',
    args: ['id'],
    waitable: false,
    options: { comment: { type: 'string', description: 'recorded with the rejection' } },
    send: (client, args, v) => client.call('POST', `v1/requests/${id(args)}/reject`, { body: comment(v, 'comment') }),
  },
  cancel: {
    summary: 'Withdraw your PENDING request',
    usage: 'lpb cancel ID',
    args: ['id'],
    waitable: false,
    options: {},
    send: (client, args) => client.call('POST', `v1/requests/${id(args)}/cancel`, { body: {} }),
  },
  revoke: {
    summary: 'Remove an ACTIVE grant now',
    usage: 'lpb revoke ID [--reason TEXT]',
    args: ['id'],
    waitable: false,
    options: { reason: { type: 'string', description: 'recorded with the revoke' } },
    send: (client, args, v) => client.call('POST', `v1/requests/${id(args)}/revoke`, { body: comment(v, 'reason') }),
  },
  sweep: {
    summary: 'Run one sweep now (admins)',
    usage: 'lpb sweep',
    args: [],
    waitable: false,
    options: {},
    send: (client) => client.call('POST', 'v1/admin/sweep', { body: {} }),
  },
  reconcile: {
    summary: 'Compare policies with ACTIVE grants and repair drift now (admins)',
    usage: 'lpb reconcile',
    args: [],
    waitable: false,
    options: {},
    send: (client) => client.call('POST', 'v1/admin/reconcile', { body: {} }),
  },
};

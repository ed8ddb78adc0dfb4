/**
 * The Request resource as clients read it off the wire (docs/api.md, Schemas: Request). The API is the contract here,
 * not the domain model: the CLI and the browser console must read what any broker version answers.
 */
import type { PolicyPreview } from './policy-preview';

export const FINAL_STATUSES = ['EXPIRED', 'REVOKED', 'REJECTED', 'CANCELLED', 'TIMED_OUT', 'FAILED', 'EXTENDED'];

export interface HistoryEvent {
  at: string;
  event: string;
  actor: string;
  detail?: Record<string, unknown> | null;
}

export interface BrokerRequest {
  id: string | null;
  kind: 'invoke' | 'eventSourceMapping';
  status: string;
  requester: string;
  functionArn: string;
  qualifier: string | null;
  principal: string | null;
  sourceArn: string | null;
  sourceAccount: string | null;
  principalOrgId: string | null;
  eventSourceArn: string | null;
  durationSeconds: number;
  reason: string;
  ticket: string | null;
  allowlistEntryId: string | null;
  statementId: string;
  statement: unknown;
  statementHash: string;
  /** v3: the policy as it will be, and what approvers should know; absent on older brokers. */
  policyPreview?: PolicyPreview | null;
  warnings?: string[];
  requiredApprovals: number;
  /** v3: `person` (who approved) and `counted` (whether it counts towards the quorum now); absent on older brokers. */
  approvals: { approver: string; person?: string; at: string; comment: string | null; counted?: boolean }[];
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
  expiresAt: string | null;
  endedAt: string | null;
  failure: { reason: string; at?: string } | null;
  history: HistoryEvent[];
  /** v2 (extensions): the original request an extension extends; absent on v1 brokers. */
  extends?: string | null;
  extensions?: string[];
}

/** "2 of 3": the approvals that count towards the quorum (all of them on brokers that do not say), of the quorum. */
export function approvalProgress(r: Pick<BrokerRequest, 'approvals' | 'requiredApprovals'>, of = ' of '): string {
  return `${r.approvals.filter((a) => a.counted !== false).length}${of}${r.requiredApprovals}`;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

export function isApiError(body: unknown): body is ApiErrorBody {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/** One line for an API error: code, message and each offending field. */
export function describeApiError(status: number, body: unknown): string {
  if (!isApiError(body)) return `HTTP ${status}`;
  const details = (body.error.details ?? []).map((d) => `${d.path}: ${d.message}`);
  return `${body.error.code} (${status}): ${body.error.message}${details.length > 0 ? ` — ${details.join('; ')}` : ''}`;
}

/** A request is settled when it is no longer on its way: not PENDING-to-be-applied (APPROVED) nor being revoked. */
export function isSettled(request: Pick<BrokerRequest, 'status' | 'history'>): boolean {
  if (request.status === 'APPROVED') return false;
  if (request.status !== 'ACTIVE') return true;
  const last = request.history.at(-1)?.event;
  return last !== 'REVOKE_REQUESTED';
}

/** `arn:aws:lambda:R:A:function:name[:qualifier]` → `name` (and `:qualifier` when the request has one). */
export function functionLabel(request: Pick<BrokerRequest, 'functionArn' | 'qualifier'>): string {
  const name = /:function:([^:]+)/.exec(request.functionArn)?.[1] ?? request.functionArn;
  return request.qualifier ? `${name}:${request.qualifier}` : name;
}

/** The account that owns the function (5th ARN field). */
export function functionAccount(functionArn: string): string {
  return functionArn.split(':')[4] ?? '';
}

/** Where a grant's calls come from: the source ARN, the event source, the org, or the source account. */
export function sourceLabel(request: BrokerRequest): string | null {
  return (
    request.sourceArn ??
    request.eventSourceArn ??
    (request.principalOrgId ? `organization ${request.principalOrgId}` : null) ??
    (request.sourceAccount ? `account ${request.sourceAccount}` : null)
  );
}

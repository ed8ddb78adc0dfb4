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
  approvals: {
    approver: string;
    person?: string;
    at: string;
    comment: string | null;
    counted?: boolean;
    /** v3: the approval step it counts in; absent on older brokers. */
    step?: string | null;
  }[];
  /** v3: each approval step's progress, for an entry with steps; absent on older brokers. */
  approvalSteps?: { name: string; requiredApprovals: number; counted: number }[] | null;
  /** v3: when a grant that starts later starts (SCHEDULED until then); absent on older brokers. */
  startsAt?: string | null;
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

/**
 * "2 of 3": the approvals that count towards the quorum (all of them on brokers that do not say), of the quorum; with
 * approval steps, each step's: "owners 1 of 1 · security 0 of 2".
 */
export function approvalProgress(
  r: Pick<BrokerRequest, 'approvals' | 'requiredApprovals' | 'approvalSteps'>,
  of = ' of ',
): string {
  if (r.approvalSteps)
    return r.approvalSteps.map((s) => `${s.name} ${s.counted}${of}${s.requiredApprovals}`).join(' · ');
  return `${r.approvals.filter((a) => a.counted !== false).length}${of}${r.requiredApprovals}`;
}

/** "2026-12-12T08:00:00Z → 2026-12-12T09:00:00Z" for a grant that starts later; null for one that starts when approved. */
export function windowOf(r: Pick<BrokerRequest, 'startsAt' | 'expiresAt' | 'durationSeconds'>): string | null {
  if (!r.startsAt) return null;
  const end = r.expiresAt ?? new Date(Date.parse(r.startsAt) + r.durationSeconds * 1000).toISOString();
  return `${r.startsAt} → ${end}`;
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

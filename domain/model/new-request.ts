/**
 * A new grant request, as every way in creates one (a requester's ask, an admin's adoption): the statement and its
 * Sid derive from the request id, nothing has happened yet, and its history opens with the event that made it.
 */
import { canonicalHash } from '../rules/canonical-hash';
import type { Identity } from '../rulebook/identity';
import type { CheckedGrant } from '../rules/safety-floor';
import { eventSourceReadStatement } from '../../policies/event-source-access';
import { invokeStatementFor } from '../../policies/invoke-statement';
import type { GrantAsk } from './grant-ask';
import type {
  GrantRequest,
  HistoryEventName,
  InvokeGrantRequest,
  MappingGrantRequest,
  RequestStatus,
  StepProgress,
} from './request';

export interface NewRequest {
  id: string;
  at: Date;
  sidPrefix: string;
  /** Who asks: the requester (an admin, for an adoption). */
  caller: Identity;
  /** The ask, after the safety floor (`checked`) and the allowlist passed it. */
  ask: Omit<GrantAsk, 'functionName'>;
  checked: CheckedGrant;
  /** Event sources: the source's customer-managed KMS key the role must decrypt with (create-request looks it up). */
  decryptKeyArn: string | null;
  functionArn: string;
  qualifier: string | null;
  allowlistEntryId: string | null;
  requiredApprovals: number;
  /** Each approval step at nought, for an entry with steps. */
  approvalSteps: StepProgress[] | null;
  status: Extract<RequestStatus, 'PENDING' | 'APPROVED'>;
  /** The history's first event, by the caller (its session, if any, is added to the detail). */
  opening: { event: HistoryEventName; detail: Record<string, unknown> };
}

/**
 * What every new request (an ask, an adoption, an extension) starts with: no approvals, no AWS resource of its own, no
 * end, no extensions.
 */
export function nothingHappenedYet(at: string) {
  return {
    approvals: [],
    createdAt: at,
    updatedAt: at,
    activatedAt: null,
    expiresAt: null,
    endedAt: null,
    failure: null,
    eventSourceMappingUuid: null,
    executionRoleArn: null,
    ending: null,
    removalBlockedSince: null,
    removalRetryAt: null,
    extensions: [],
    policyPreview: null,
    warnings: [],
    startsAt: null,
    approvalSteps: null,
  } satisfies Partial<GrantRequest>;
}

/** The fields that differ by kind. */
type KindOf<R extends GrantRequest> = Pick<R, 'kind' | 'eventSourceArn' | 'statement'>;

export function newRequest(spec: NewRequest): GrantRequest {
  const { ask, checked, caller } = spec;
  const statementId = `${spec.sidPrefix}${spec.id}`;
  const grant: KindOf<InvokeGrantRequest> | KindOf<MappingGrantRequest> =
    checked.kind === 'invoke'
      ? {
          kind: 'invoke',
          eventSourceArn: null,
          statement: invokeStatementFor(statementId, spec, { ...ask, principal: checked.principal.value }),
        }
      : {
          kind: 'eventSourceMapping',
          eventSourceArn: checked.eventSourceArn,
          statement: eventSourceReadStatement(statementId, checked.service, checked.eventSourceArn, spec.decryptKeyArn),
        };
  const at = spec.at.toISOString();
  return {
    ...grant,
    id: spec.id,
    status: spec.status,
    requester: caller.arn,
    requesterPerson: caller.person,
    requesterSession: caller.session,
    functionArn: spec.functionArn,
    qualifier: spec.qualifier,
    principal: ask.principal ?? null,
    sourceArn: ask.sourceArn ?? null,
    sourceAccount: ask.sourceAccount ?? null,
    principalOrgId: ask.principalOrgId ?? null,
    batchSize: checked.kind === 'eventSourceMapping' ? (ask.batchSize ?? null) : null,
    durationSeconds: ask.durationSeconds,
    reason: ask.reason,
    ticket: ask.ticket ?? null,
    allowlistEntryId: spec.allowlistEntryId,
    statementId,
    statementHash: canonicalHash(grant.statement),
    requiredApprovals: spec.requiredApprovals,
    ...nothingHappenedYet(at),
    startsAt: ask.startsAt ?? null,
    approvalSteps: spec.approvalSteps,
    extends: null,
    history: [
      {
        at,
        event: spec.opening.event,
        actor: caller.arn,
        detail: { ...spec.opening.detail, ...(caller.session ? { session: caller.session } : {}) },
      },
    ],
    version: 1,
  };
}

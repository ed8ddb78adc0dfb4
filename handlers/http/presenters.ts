/** Response shapes (docs/api.md, Schemas: Request): internal fields such as the lock version never leave the broker. */
import type { GrantRequest } from '../../domain/model/request';

export function presentRequest(r: GrantRequest, options: { dryRun?: boolean } = {}) {
  return {
    id: options.dryRun ? null : r.id,
    kind: r.kind,
    status: r.status,
    requester: r.requester,
    requesterPerson: r.requesterPerson,
    functionArn: r.functionArn,
    qualifier: r.qualifier,
    principal: r.principal,
    sourceArn: r.sourceArn,
    sourceAccount: r.sourceAccount,
    principalOrgId: r.principalOrgId,
    eventSourceArn: r.eventSourceArn,
    ...(r.kind === 'eventSourceMapping'
      ? { batchSize: r.batchSize, eventSourceMappingUuid: r.eventSourceMappingUuid }
      : {}),
    durationSeconds: r.durationSeconds,
    reason: r.reason,
    ticket: r.ticket,
    allowlistEntryId: r.allowlistEntryId,
    statementId: r.statementId,
    statement: r.statement,
    statementHash: r.statementHash,
    policyPreview: r.policyPreview,
    warnings: r.warnings,
    requiredApprovals: r.requiredApprovals,
    approvalSteps: r.approvalSteps,
    approvals: r.approvals,
    startsAt: r.startsAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    activatedAt: r.activatedAt,
    expiresAt: r.expiresAt,
    endedAt: r.endedAt,
    failure: r.failure,
    removalBlockedSince: r.removalBlockedSince,
    history: r.history,
    extends: r.extends,
    extensions: r.extensions,
  };
}

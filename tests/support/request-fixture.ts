/** A Request resource as the API answers it (docs/api.md, Schemas: Request), for client-side tests. */
import type { BrokerRequest } from '../../cli/api/broker-request';

export function apiRequest(overrides: Partial<BrokerRequest> = {}): BrokerRequest {
  const id = overrides.id ?? '11111111-2222-4333-8444-555555555555';
  return {
    id,
    kind: 'invoke',
    status: 'PENDING',
    requester: 'arn:aws:iam::123456789012:role/orders-ci',
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-processor',
    qualifier: null,
    principal: 'sns.amazonaws.com',
    sourceArn: 'arn:aws:sns:us-east-1:123456789012:orders-topic',
    sourceAccount: null,
    principalOrgId: null,
    eventSourceArn: null,
    durationSeconds: 3600,
    reason: 'orders topic fan-out',
    ticket: 'OPS-1',
    allowlistEntryId: 'orders',
    statementId: `lpb-${id}`,
    statement: { Sid: `lpb-${id}`, Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' } },
    statementHash: 'a'.repeat(64),
    requiredApprovals: 1,
    approvals: [],
    createdAt: '2026-11-27T12:00:00.000Z',
    updatedAt: '2026-11-27T12:00:00.000Z',
    activatedAt: null,
    expiresAt: null,
    endedAt: null,
    failure: null,
    history: [
      {
        at: '2026-11-27T12:00:00.000Z',
        event: 'CREATED',
        actor: 'arn:aws:iam::123456789012:role/orders-ci',
        detail: {},
      },
    ],
    extends: null,
    extensions: [],
    ...overrides,
  };
}

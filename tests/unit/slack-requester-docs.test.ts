/**
 * The Block Kit JSON docs/slack.md shows (Slack's Block Kit Builder renders it): the request modal for a sample
 * catalog and the expiry notice, exactly as the broker builds them (LPB_WRITE_DOCS=1 rewrites the files).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requestModal } from '../../adapters/slack/request-modal';
import { expiryNotice } from '../../adapters/slack/requester-messages';
import type { GrantRequest } from '../../domain/model/request';
import type { CatalogItem } from '../../domain/use-cases/catalog';
import { fnArn } from '../support/fixtures';

const CATALOG: CatalogItem[] = [
  {
    entryId: 'orders',
    description: 'orders team event sources',
    functions: [fnArn('order-processor'), fnArn('order-auditor')],
    principals: ['sns.amazonaws.com', 'events.amazonaws.com'],
    sourceArns: [
      'arn:aws:sns:us-east-1:123456789012:orders-topic',
      'arn:aws:events:us-east-1:123456789012:rule/orders-nightly',
    ],
    eventSourceArns: [],
    principalOrgIds: [],
    sourceAccounts: null,
    maxDurationSeconds: 8 * 3600,
    requiredApprovals: 1,
    autoApprove: false,
    approvers: ['slack:U0123ABCD'],
    approverGroups: [],
    approvalSteps: [],
    maxStartDelaySeconds: 604800,
  },
];

const GRANT = {
  id: '7d4f0c9e-2b1a-4c8e-9f3d-1a2b3c4d5e6f',
  functionArn: fnArn('order-processor'),
  qualifier: null,
  expiresAt: '2026-12-07T18:00:00.000Z',
} as GrantRequest;

function checkDoc(name: string, value: unknown): void {
  const file = path.join(__dirname, '../../docs', name);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.LPB_WRITE_DOCS === '1') writeFileSync(file, text);
  expect(readFileSync(file, 'utf8')).toBe(text);
}

describe("docs/slack.md's Block Kit", () => {
  it('docs/slack-request-modal.json is the request modal as the broker builds it', () => {
    checkDoc('slack-request-modal.json', {
      trigger_id: '<the command’s trigger_id>',
      view: requestModal(CATALOG, 300),
    });
  });

  it('docs/slack-expiry-notice.json is the expiry notice as the broker sends it', () => {
    checkDoc('slack-expiry-notice.json', { channel: 'U0REQUESTER', ...expiryNotice(GRANT) });
  });
});

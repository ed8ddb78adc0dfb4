import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requestMessage, threadReply } from '../../adapters/slack/messages';
import type { PolicyPreview } from '../../domain/model/policy-preview';
import type { GrantRequest } from '../../domain/model/request';
import { move } from '../../domain/state-machine';
import {
  ADMIN,
  APPROVER,
  OTHER_ACCOUNT,
  PRINCIPAL_CASES,
  REQUESTER,
  baseAsk,
  openEntry,
  who,
} from '../support/fixtures';
import { inMemoryApp } from '../support/in-memory-app';
import { slackMarkupProblems, textProblems } from '../support/slack-markup';

async function pending(reason = baseAsk.reason) {
  const { app } = inMemoryApp();
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
  return (
    await app.createRequest({
      caller: who(REQUESTER),
      ask: { ...baseAsk, ...PRINCIPAL_CASES[1].ask, reason, ticket: 'OPS-1' },
      dryRun: false,
      idempotencyKey: null,
    })
  ).request;
}

const textOf = (blocks: unknown[]) => JSON.stringify(blocks);

/** A created request as vetting might have found it: the sizes given, one overlapping statement, the bucket missing. */
function vetted(
  created: GrantRequest,
  sizes: Pick<PolicyPreview, 'policyBytes' | 'policyBytesAfter' | 'statements'>,
  overlapping: string,
): GrantRequest {
  return {
    ...created,
    policyPreview: {
      ...created.policyPreview!,
      ...sizes,
      overlaps: [{ statementId: overlapping, reason: 'lets s3.amazonaws.com invoke with no condition' }],
    },
    warnings: ['sourceArn: not found: no S3 bucket orders-uploads in account 123456789012'],
  };
}

describe('Slack approval message', () => {
  it('shows who, what, why, the exact statement, the policy as it will be and two buttons carrying id and hash', async () => {
    const created = await pending();
    expect(created.policyPreview).toMatchObject({ policyBytes: 0, statements: 0, overlaps: [] });
    const r = vetted(created, { policyBytes: 8_000, policyBytesAfter: 8_135, statements: 19 }, 'team-s3');
    const { blocks, text } = requestMessage(r);
    const actions = blocks.find((b) => (b as { type: string }).type === 'actions') as {
      elements: { action_id: string; value: string }[];
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['approve', 'reject']);
    for (const e of actions.elements) expect(JSON.parse(e.value)).toEqual({ id: r.id, hash: r.statementHash });
    const all = textOf(blocks);
    for (const part of [
      REQUESTER,
      r.functionArn,
      's3.amazonaws.com',
      'arn:aws:s3:::orders-uploads',
      '1 h',
      'OPS-1',
      '8000 → 8135 of 20480 bytes (12345 left after this grant), 19 statement(s) now',
      '*Already in the policy*',
      '`team-s3` lets s3.amazonaws.com invoke with no condition',
      '*Warnings*',
      '• sourceArn: not found: no S3 bucket orders-uploads in account 123456789012',
    ]) {
      expect(all).toContain(part);
    }
    expect(all).toContain(JSON.stringify(JSON.stringify(r.statement, null, 2)).slice(1, -1));
    expect(text).toContain(r.id);
  });

  it('escapes requester text so it cannot mention, link or format', async () => {
    const r = await pending('please <!channel> see <https://evil.example|docs> & more');
    const all = textOf(requestMessage(r).blocks);
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&amp; more');
  });

  it('finding 5 — Slack text injection: no block carries requester markup, the statement code block included', async () => {
    // A request stored before ARNs were checked for such characters: the message must hold on its own.
    const injection = '```<!channel><https://evil.example|APPROVE-SAFE>';
    const sourceArn = `arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/${injection}`;
    const r = await pending(`fan-out ${injection}`);
    const stored = {
      ...r,
      principal: OTHER_ACCOUNT,
      sourceArn,
      ticket: injection,
      statement: { ...r.statement, Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } } },
    } as GrantRequest;
    const message = requestMessage(stored);
    expect(slackMarkupProblems(message)).toEqual([]);
    const statement = textOf(message.blocks).split('*Statement*')[1] as string;
    expect(statement).toContain('&lt;!channel&gt;&lt;https://evil.example|APPROVE-SAFE&gt;');
    const revoked = { ...stored, status: 'REVOKED' } as GrantRequest;
    const reply = threadReply(revoked, { at: '', event: 'REVOKED', actor: REQUESTER, detail: { reason: injection } });
    expect(textProblems(reply as string)).toEqual([]);
  });

  it('drops the buttons once decided and says who decided when', async () => {
    const r = await pending();
    const approved = move(r, 'APPROVED', { at: new Date('2026-11-26T12:05:00.000Z'), actor: APPROVER });
    const { blocks } = requestMessage(approved);
    expect(blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
    expect(textOf(blocks)).toContain(`*APPROVED* by ${APPROVER} at 2026-11-26T12:05:00.000Z`);
  });

  it('writes thread replies for the events after the decision only', async () => {
    const r = await pending();
    const at = new Date('2026-11-26T13:00:00.000Z');
    expect(threadReply(r, { at: '', event: 'APPROVAL', actor: APPROVER, detail: {} })).toBeNull();
    const failed = move(move(r, 'APPROVED', { at, actor: APPROVER }), 'FAILED', {
      at,
      actor: 'broker',
      patch: { failure: { reason: 'too big', at: '' } },
    });
    expect(threadReply(failed, failed.history.at(-1)!)).toContain('too big');
  });

  it("says an extension is one, with the grant's end now and with it; after it, where the end moved", async () => {
    const r = await pending();
    const extension = { ...r, id: 'ext-1', extends: 'grant-1', durationSeconds: 1800 } as GrantRequest;
    const ends = { grantId: 'grant-1', currentEnd: '2026-11-26T13:00:00.000Z', newEnd: '2026-11-26T13:30:00.000Z' };
    const asked = requestMessage(extension, ends);
    expect(asked.text).toMatch(/^Grant extension ext-1/);
    expect(textOf(asked.blocks)).toContain(
      'The grant ends 2026-11-26T13:00:00.000Z; with this extension *2026-11-26T13:30:00.000Z*.',
    );
    expect(textOf(asked.blocks)).toContain('*Extension* of `grant-1` by 30 min');
    expect(asked.blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(true);
    const took = requestMessage({ ...extension, status: 'EXTENDED' }, ends);
    expect(textOf(took.blocks)).toContain(
      "The grant's end moved from 2026-11-26T13:00:00.000Z to *2026-11-26T13:30:00.000Z*.",
    );
    // A grant of its own says nothing of extensions.
    expect(textOf(requestMessage(r).blocks)).not.toContain('Extension');
    const detail = { extensionId: 'ext-1', previousExpiresAt: ends.currentEnd, expiresAt: ends.newEnd };
    const event = { at: '', event: 'EXTENDED' as const, actor: APPROVER, detail };
    expect(threadReply(r, event)).toBe(
      `Grant EXTENDED by ${APPROVER}: its end moved from 2026-11-26T13:00:00.000Z to 2026-11-26T13:30:00.000Z.`,
    );
    expect(threadReply(extension, event)).toBe(
      "Extension took effect: the grant's end moved from 2026-11-26T13:00:00.000Z to 2026-11-26T13:30:00.000Z.",
    );
  });
});

describe('Slack approval message with steps and a start time', () => {
  it("shows each step's progress, each approval's step, and the grant's window", async () => {
    const created = await pending();
    const startsAt = '2026-12-12T08:00:00.000Z';
    const base = {
      id: 'req-steps',
      status: 'PENDING',
      approvals: [
        {
          approver: APPROVER,
          person: 'bob',
          at: '2026-12-07T10:00:00.000Z',
          comment: null,
          counted: true,
          step: 'owners',
        },
      ],
      approvalSteps: [
        { name: 'owners', requiredApprovals: 1, counted: 1 },
        { name: 'security', requiredApprovals: 2, counted: 0 },
      ],
      startsAt,
      expiresAt: null,
      durationSeconds: 3600,
    };
    const r = { ...created, ...base } as GrantRequest;
    const text = textOf(requestMessage(r).blocks);
    expect(text).toContain('Approvals: owners 1 of 1 ✓ · security 0 of 2');
    expect(text).toContain(`${APPROVER} (2026-12-07T10:00:00.000Z, step owners)`);
    expect(text).toContain(`*Window*\\n${startsAt} → 2026-12-12T09:00:00.000Z`);
    const scheduled = { ...r, expiresAt: '2026-12-12T09:00:00.000Z' };
    expect(threadReply(scheduled, { at: startsAt, event: 'SCHEDULED', actor: 'broker', detail: {} })).toBe(
      `Grant SCHEDULED: nothing is applied until ${startsAt}; it ends 2026-12-12T09:00:00.000Z.`,
    );
  });
});

describe('docs/slack-approval-message.json', () => {
  /** An approval message with everything the policy preview can show, as docs/policy-preview.md shows it. */
  async function documented() {
    const r = vetted(await pending(), { policyBytes: 812, policyBytesAfter: 1160, statements: 3 }, 'team-uploads');
    return { channel: 'C0123ABCD', ...requestMessage(r) };
  }
  const file = path.join(__dirname, '../../docs/slack-approval-message.json');

  it('is the message as the broker renders it (LPB_WRITE_DOCS=1 rewrites it)', async () => {
    const message = `${JSON.stringify(await documented(), null, 2)}\n`;
    if (process.env.LPB_WRITE_DOCS === '1') writeFileSync(file, message);
    expect(readFileSync(file, 'utf8')).toBe(message);
  });
});

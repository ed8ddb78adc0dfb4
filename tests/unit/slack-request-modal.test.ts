import { askOf, blockErrors, submittedValues, viewSubmission } from '../../adapters/slack/modal-submission';
import { durationChoices, extendModal, requestModal } from '../../adapters/slack/request-modal';
import { grantList, outcomeMessage } from '../../adapters/slack/requester-messages';
import type { GrantRequest, HistoryEvent } from '../../domain/model/request';
import type { CatalogItem } from '../../domain/use-cases/catalog';
import { fnArn } from '../support/fixtures';

const item = (overrides: Partial<CatalogItem> = {}): CatalogItem => ({
  entryId: 'orders',
  description: null,
  functions: [fnArn('order-processor')],
  principals: ['sns.amazonaws.com'],
  sourceArns: ['arn:aws:sns:us-east-1:123456789012:orders-topic'],
  eventSourceArns: [],
  principalOrgIds: [],
  sourceAccounts: null,
  maxDurationSeconds: 3600,
  requiredApprovals: 1,
  autoApprove: false,
  approvers: [],
  approverGroups: [],
  approvalSteps: [],
  maxStartDelaySeconds: 604800,
  ...overrides,
});

type Block = { block_id: string; optional?: boolean; element: { type: string; options?: unknown[] }; hint?: unknown };
const blocksOf = (view: Record<string, unknown>) => view.blocks as Block[];
const byId = (view: Record<string, unknown>, id: string) => blocksOf(view).find((b) => b.block_id === id);

describe('the request modal', () => {
  it('asks for the event source alone when the catalog holds only event source entries', () => {
    const view = requestModal(
      [item({ principals: [], sourceArns: [], eventSourceArns: ['arn:aws:sqs:us-east-1:123456789012:q'] })],
      300,
    );
    expect(blocksOf(view).map((b) => b.block_id)).toEqual([
      'function',
      'eventSourceArn',
      'durationSeconds',
      'reason',
      'ticket',
    ]);
    expect(byId(view, 'eventSourceArn')?.optional).toBe(false);
  });

  it('shows both kinds, optional, when the catalog holds both, and the source account when S3 may be asked', () => {
    const view = requestModal(
      [
        item({ principals: ['s3.amazonaws.com'] }),
        item({ entryId: 'q', eventSourceArns: ['arn:aws:sqs:us-east-1:123456789012:q'] }),
      ],
      300,
    );
    expect(blocksOf(view).map((b) => [b.block_id, b.optional])).toEqual([
      ['function', false],
      ['principal', true],
      ['sourceArn', true],
      ['sourceAccount', true],
      ['eventSourceArn', true],
      ['durationSeconds', undefined],
      ['reason', undefined],
      ['ticket', true],
    ]);
  });

  it('falls back to a text input where a select cannot hold the values: more than 100, or longer than 150', () => {
    const many = Array.from({ length: 101 }, (_, i) => fnArn(`f-${i}`));
    expect(byId(requestModal([item({ functions: many })], 300), 'function')?.element.type).toBe('plain_text_input');
    const long = `arn:aws:sns:us-east-1:123456789012:${'t'.repeat(140)}`;
    const view = requestModal([item({ sourceArns: [long] })], 300);
    expect(byId(view, 'sourceArn')?.element.type).toBe('plain_text_input');
    expect(JSON.stringify(byId(view, 'sourceArn')?.hint)).toContain(long);
  });

  it('offers durations from the minimum to the longest entry, that longest included', () => {
    expect(durationChoices(300, 3600)).toEqual([300, 900, 1800, 3600]);
    expect(durationChoices(60, 5000)).toEqual([60, 300, 900, 1800, 3600, 5000]);
    expect(durationChoices(600, 600)).toEqual([600]);
  });

  it("the extend modal names the grant only in private_metadata and escapes the function's name", () => {
    const view = extendModal({ id: 'g-1', functionArn: fnArn('a<b>'), expiresAt: null }, 300, 900);
    expect(view).toMatchObject({ callback_id: 'lpb_extend', private_metadata: 'g-1' });
    expect(JSON.stringify(view)).toContain('a&lt;b&gt;');
  });
});

describe('a submitted modal', () => {
  const submission = (values: Record<string, Record<string, unknown>>) =>
    viewSubmission.parse({
      type: 'view_submission',
      user: { id: 'U0REQUEST' },
      view: { id: 'V1', callback_id: 'lpb_request', state: { values } },
    });

  it('reads selects and text inputs, trims them, and leaves out empty ones', () => {
    const values = submittedValues(
      submission({
        function: { function: { selected_option: { value: fnArn('order-processor') } } },
        durationSeconds: { durationSeconds: { selected_option: { value: '900' } } },
        reason: { reason: { value: '  a good reason for it  ' } },
        ticket: { ticket: { value: null } },
      }),
    );
    expect(values).toEqual({
      function: fnArn('order-processor'),
      durationSeconds: '900',
      reason: 'a good reason for it',
    });
    expect(askOf(values)).toEqual({
      functionName: fnArn('order-processor'),
      durationSeconds: 900,
      reason: 'a good reason for it',
    });
  });

  it('puts each issue on the block of its field, and what has no block on the fallback', () => {
    expect(
      blockErrors(
        [
          { path: 'sourceAccount', message: 'must be 12 digits' },
          { path: 'requester', message: 'not among the requesters' },
          { path: 'reason', message: 'too short' },
        ],
        'refused',
        ['function', 'sourceArn', 'reason'],
        'function',
      ),
    ).toEqual({ function: 'must be 12 digits; not among the requesters', reason: 'too short' });
    expect(blockErrors([], 'the broker is busy', ['function'], 'function')).toEqual({ function: 'the broker is busy' });
  });
});

describe("a requester's direct message for each event", () => {
  const base = {
    id: 'r-1',
    kind: 'invoke',
    status: 'ACTIVE',
    extends: null,
    functionArn: fnArn('order-processor'),
    qualifier: 'live',
    principal: 'sns.amazonaws.com',
    eventSourceArn: null,
    durationSeconds: 3600,
    requiredApprovals: 1,
    expiresAt: '2026-12-07T13:00:00.000Z',
    failure: { reason: 'AccessDenied: <b>', at: '' },
    statement: { Sid: 'lpb-r-1' },
    startsAt: null,
    history: [],
  } as unknown as GrantRequest;
  const event = (
    name: HistoryEvent['event'],
    detail: Record<string, unknown> = {},
    actor = 'slack:U0123ABCD',
  ): HistoryEvent => ({ at: '2026-12-07T12:00:00.000Z', event: name, actor, detail });

  it.each<[HistoryEvent['event'], Record<string, unknown>, RegExp]>([
    [
      'CREATED',
      {},
      /request `r-1` was created: sns\.amazonaws\.com → .*order-processor:live for 1 h\. It waits for approval/,
    ],
    ['APPROVED', {}, /APPROVED/],
    ['ACTIVATED', {}, /ACTIVE\* until 2026-12-07T13:00:00.000Z/],
    ['REJECTED', { comment: 'use <!channel>' }, /REJECTED\* by slack:U0123ABCD: "use &lt;!channel&gt;"/],
    ['FAILED', {}, /FAILED\*: AccessDenied: &lt;b&gt;/],
    ['TIMED_OUT', {}, /TIMED_OUT/],
    ['REVOKED', { reason: 'done' }, /REVOKED\* by slack:U0123ABCD: done/],
    ['EXPIRED', {}, /EXPIRED\* at 2026-12-07T12:00:00.000Z/],
    ['EXTENDED', { expiresAt: '2026-12-07T14:00:00.000Z' }, /EXTENDED\*: it now ends 2026-12-07T14:00:00.000Z/],
  ])('tells %s', (name, detail, text) => {
    expect(outcomeMessage(base, event(name, detail))?.text).toMatch(text);
  });

  it('shows the exact statement with the creation, and says nothing of events a requester need not hear', () => {
    expect(JSON.stringify(outcomeMessage(base, event('CREATED'))?.blocks)).toContain('lpb-r-1');
    for (const name of ['APPROVAL', 'REMATCHED', 'DRIFT', 'CANCELLED'] as const)
      expect(outcomeMessage(base, event(name))).toBeNull();
    const extension = { ...base, extends: 'g-0' } as GrantRequest;
    expect(outcomeMessage(extension, event('CREATED'))?.text).toContain('extension of grant `g-0`');
    expect(outcomeMessage(extension, event('EXTENDED'))).toBeNull();
    expect(outcomeMessage(extension, event('APPROVED'))).toBeNull();
  });

  it('lists a grant that starts later with its window and a Cancel button', () => {
    const scheduled = { ...base, status: 'SCHEDULED', startsAt: '2026-12-07T12:30:00.000Z' } as GrantRequest;
    const { blocks } = grantList([scheduled]);
    const text = JSON.stringify(blocks);
    expect(text).toContain('*SCHEDULED* from 2026-12-07T12:30:00.000Z until 2026-12-07T13:00:00.000Z');
    const actions = blocks.find((b) => (b as { type: string }).type === 'actions') as {
      elements: { action_id: string }[];
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['cancel']);
  });

  it('tells a grant that starts later once, by its SCHEDULED event, with its window', () => {
    const scheduled = {
      ...base,
      status: 'SCHEDULED',
      startsAt: '2026-12-07T12:30:00.000Z',
      history: [event('APPROVED'), event('SCHEDULED')],
    } as GrantRequest;
    expect(outcomeMessage(scheduled, event('APPROVED'))).toBeNull();
    expect(outcomeMessage(scheduled, event('SCHEDULED'))?.text).toBe(
      'Your request `r-1` was *APPROVED* and is *SCHEDULED*: nothing is applied until 2026-12-07T12:30:00.000Z; it ends 2026-12-07T13:00:00.000Z.',
    );
  });
});

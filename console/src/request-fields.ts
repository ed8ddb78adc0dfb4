/** What a reviewer needs to see about a request: its fields, and the exact statement with what it adds to the policy. */
import {
  approvalProgress,
  functionLabel,
  sourceLabel,
  windowOf,
  type BrokerRequest,
} from '../../cli/api/broker-request';
import { addedBytes, policySizeNote } from '../../cli/api/policy-preview';
import { durationText } from '../../cli/output/time';
import { h } from './dom';
import { shortPrincipal, timeElement } from './format';

type Row = [string, Node | string | null | undefined];

export function fieldList(rows: Row[]): HTMLElement {
  return h(
    'dl',
    { class: 'fields' },
    rows
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

export function reviewFields(r: BrokerRequest): HTMLElement {
  return fieldList([
    ['Requester', h('span', { title: r.requester }, shortPrincipal(r.requester))],
    ['Function', h('span', { class: 'mono', title: r.functionArn }, functionLabel(r))],
    ['Principal', r.principal ? h('span', { class: 'mono' }, r.principal) : null],
    ['Source', sourceLabel(r) ? h('span', { class: 'mono wrap' }, sourceLabel(r) as string) : null],
    ['Reason', r.reason],
    ['Ticket', r.ticket ?? h('span', { class: 'muted' }, 'none')],
    ['Duration', durationText(r.durationSeconds)],
    ['Approvals', approvalProgress(r)],
    ['Window', windowOf(r)],
    ['Asked', timeElement(r.createdAt)],
  ]);
}

export function statementBlock(r: BrokerRequest): HTMLElement {
  return h(
    'section',
    { class: 'statement', 'aria-label': 'Statement' },
    h(
      'div',
      { class: 'statement-head' },
      h('span', {}, 'Statement'),
      h('span', { class: 'mono muted' }, r.statementId),
    ),
    h('pre', { class: 'code', tabindex: '0' }, JSON.stringify(r.statement, null, 2)),
    h(
      'p',
      { class: 'size-note' },
      h('strong', {}, `+${addedBytes(r.policyPreview, r.statement).toLocaleString('en-US')} bytes`),
      ` ${policySizeNote(r.policyPreview, r.statement)}.`,
    ),
    ...vettingNotes(r),
  );
}

/** Statements that already let the principal in, and the warnings approvers should weigh (docs/policy-preview.md). */
function vettingNotes(r: BrokerRequest): HTMLElement[] {
  const notes: HTMLElement[] = [];
  const overlaps = r.policyPreview?.overlaps ?? [];
  if (overlaps.length > 0) {
    notes.push(
      h(
        'div',
        { class: 'vetting', 'aria-label': 'Already in the policy' },
        h('strong', {}, 'Already in the policy'),
        h('ul', {}, ...overlaps.map((o) => h('li', {}, h('span', { class: 'mono' }, o.statementId), ` ${o.reason}`))),
      ),
    );
  }
  const warnings = r.warnings ?? [];
  if (warnings.length > 0) {
    notes.push(
      h(
        'div',
        { class: 'vetting warn', role: 'note', 'aria-label': 'Warnings' },
        h('strong', {}, 'Warnings'),
        h('ul', {}, ...warnings.map((w) => h('li', { class: 'wrap' }, w))),
      ),
    );
  }
  return notes;
}

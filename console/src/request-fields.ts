/** What a reviewer needs to see about a request: its fields, and the exact statement with what it adds to the policy. */
import { approvalProgress, functionLabel, sourceLabel, type BrokerRequest } from '../../cli/api/broker-request';
import { statementBytes, POLICY_LIMIT_BYTES } from '../../cli/api/statement-size';
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
    ['Asked', timeElement(r.createdAt)],
  ]);
}

export function statementBlock(r: BrokerRequest): HTMLElement {
  const bytes = statementBytes(r.statement);
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
      h('strong', {}, `+${bytes.toLocaleString('en-US')} bytes`),
      ` of the function's ${POLICY_LIMIT_BYTES.toLocaleString('en-US')}-byte policy limit. `,
      h(
        'span',
        { class: 'muted' },
        'The API does not expose the current policy size, so this is the statement’s own size, not the bytes left.',
      ),
    ),
  );
}

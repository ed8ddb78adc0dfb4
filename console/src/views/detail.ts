/** Request detail: every field, the statement, the history as a timeline (who, what, when), and drift findings. */
import {
  approvalProgress,
  windowOf,
  functionLabel,
  type BrokerRequest,
  type HistoryEvent,
} from '../../../cli/api/broker-request';
import { durationText } from '../../../cli/output/time';
import { api, ApiError, getRequest, settle } from '../api';
import { h, replaceChildren } from '../dom';
import { shortPrincipal, statusBadge, timeElement } from '../format';
import { fieldList, statementBlock } from '../request-fields';
import { failure, loading } from '../states';
import { toast } from '../toast';

const mono = (text: string | null | undefined) => (text ? h('span', { class: 'mono wrap' }, text) : null);
const link = (id: string) => h('a', { class: 'mono', href: `#/requests/${encodeURIComponent(id)}` }, id);

function allFields(r: BrokerRequest): HTMLElement {
  return fieldList([
    ['Status', statusBadge(r.status)],
    ['Kind', r.kind],
    ['Requester', mono(r.requester)],
    ['Function', mono(r.functionArn)],
    ['Qualifier', mono(r.qualifier)],
    ['Principal', mono(r.principal)],
    ['Source ARN', mono(r.sourceArn)],
    ['Source account', mono(r.sourceAccount)],
    ['Organization', mono(r.principalOrgId)],
    ['Event source', mono(r.eventSourceArn)],
    ['Duration', durationText(r.durationSeconds)],
    ['Reason', r.reason],
    ['Ticket', r.ticket],
    ['Allowlist entry', mono(r.allowlistEntryId)],
    ['Approvals', approvalProgress(r)],
    ['Window', windowOf(r)],
    ['Created', timeElement(r.createdAt)],
    ['Updated', timeElement(r.updatedAt)],
    ['Activated', r.activatedAt ? timeElement(r.activatedAt) : null],
    ['Expires', r.expiresAt ? timeElement(r.expiresAt) : null],
    ['Ended', r.endedAt ? timeElement(r.endedAt) : null],
    ['Failure', r.failure?.reason],
    ['Extends', r.extends ? link(r.extends) : null],
    ['Extensions', r.extensions && r.extensions.length > 0 ? h('span', {}, r.extensions.map(link)) : null],
    ['Statement hash', mono(r.statementHash)],
  ]);
}

function detailText(detail: HistoryEvent['detail']): string | null {
  if (!detail || Object.keys(detail).length === 0) return null;
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

function historyTimeline(history: HistoryEvent[]): HTMLElement {
  return h(
    'ol',
    { class: 'history' },
    history.map((e) =>
      h(
        'li',
        { class: `history-item event-${e.event.toLowerCase()}` },
        h('span', { class: 'history-dot', 'aria-hidden': 'true' }),
        h(
          'div',
          {},
          h(
            'p',
            { class: 'history-line' },
            h('strong', {}, e.event),
            ' by ',
            h('span', { title: e.actor }, shortPrincipal(e.actor)),
          ),
          h('p', { class: 'muted' }, timeElement(e.at)),
          detailText(e.detail) ? h('p', { class: 'mono small wrap' }, detailText(e.detail)) : null,
        ),
      ),
    ),
  );
}

function driftSection(history: HistoryEvent[]): HTMLElement {
  const drift = history.filter((e) => e.event === 'DRIFT');
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'drift-heading' },
    h('h2', { id: 'drift-heading' }, 'Drift findings'),
    drift.length === 0
      ? h('p', { class: 'muted' }, 'None: the function’s policy has matched this grant at every reconcile.')
      : h(
          'ul',
          { class: 'drift' },
          drift.map((e) =>
            h('li', {}, timeElement(e.at), ' — ', detailText(e.detail) ?? 'policy differs from the grant'),
          ),
        ),
  );
}

function actions(r: BrokerRequest, refresh: () => void): HTMLElement | null {
  if (r.status !== 'ACTIVE') return null;
  const button = h('button', { type: 'button', class: 'button button-reject' }, 'Revoke');
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = 'Revoking…';
    void (async () => {
      try {
        const answer = await api('POST', `v1/requests/${encodeURIComponent(r.id as string)}/revoke`, {
          reason: 'revoked from the console',
        });
        if (answer.status >= 400) throw new ApiError(answer);
        const ended = await settle(answer.body as BrokerRequest, () => undefined);
        toast(`${r.id}: ${ended.status}`, 'ok');
      } catch (error) {
        toast((error as Error).message, 'error');
      }
      refresh();
    })();
  });
  return h('div', { class: 'detail-actions' }, button);
}

export async function renderDetail(main: HTMLElement, id: string): Promise<void> {
  const refresh = () => void renderDetail(main, id);
  const back = h('a', { href: '#/queue', class: 'back' }, '← Queue');
  replaceChildren(main, back, h('h1', {}, 'Request'), loading('the request'));
  let r: BrokerRequest;
  try {
    r = await getRequest(id);
  } catch (error) {
    replaceChildren(main, back, h('h1', {}, 'Request'), failure(`Request ${id} could not be loaded`, error, refresh));
    return;
  }
  if (r.status === 'APPROVED' || r.history.at(-1)?.event === 'REVOKE_REQUESTED') void settle(r, refresh);
  replaceChildren(
    main,
    back,
    h(
      'div',
      { class: 'title-row' },
      h('h1', {}, functionLabel(r), ' ', h('span', { class: 'request-id mono' }, r.id ?? '')),
      statusBadge(r.status),
    ),
    actions(r, refresh),
    h(
      'div',
      { class: 'detail-grid' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'fields-heading' },
        h('h2', { id: 'fields-heading' }, 'Fields'),
        allFields(r),
      ),
      h(
        'div',
        { class: 'detail-side' },
        h('section', { class: 'panel' }, statementBlock(r)),
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'history-heading' },
          h('h2', { id: 'history-heading' }, 'History'),
          historyTimeline(r.history),
        ),
        driftSection(r.history),
      ),
    ),
  );
}

/**
 * Active grants on a timeline: one bar per grant from activation to expiry, a line for now, filters by function
 * and by account, and Revoke (which may finish after the answer: 202: docs/api.md, Answers, and the work behind them).
 */
import { functionAccount, functionLabel, type BrokerRequest } from '../../../cli/api/broker-request';
import { relative, shortTime } from '../../../cli/output/time';
import { api, ApiError, listRequests, settle } from '../api';
import { h, replaceChildren, uid } from '../dom';
import { statusBadge } from '../format';
import { empty, failure, loading } from '../states';
import { scaleFor } from '../timeline-scale';
import { toast } from '../toast';

const clock = (t: number) => new Date(t).toISOString().slice(11, 16);

function select(label: string, values: string[], onChange: (value: string) => void): HTMLElement {
  const id = uid('filter');
  const control = h(
    'select',
    { id, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) },
    h('option', { value: '' }, 'All'),
    values.map((v) => h('option', { value: v }, v)),
  );
  return h('div', { class: 'filter' }, h('label', { for: id }, label), control);
}

async function revoke(r: BrokerRequest, button: HTMLButtonElement, done: () => void): Promise<void> {
  button.disabled = true;
  button.textContent = 'Revoking…';
  try {
    const answer = await api('POST', `v1/requests/${encodeURIComponent(r.id as string)}/revoke`, {
      reason: 'revoked from the console',
    });
    if (answer.status >= 400) throw new ApiError(answer);
    const ended = await settle(answer.body as BrokerRequest, () => undefined);
    toast(`${functionLabel(r)} · ${r.id}: ${ended.status}`, ended.status === 'REVOKED' ? 'ok' : 'info');
    done();
  } catch (error) {
    button.disabled = false;
    button.textContent = 'Revoke';
    toast((error as Error).message, 'error');
  }
}

/** On narrow screens each track carries its own mark for now (the shared line needs the wide layout). */
function nowMark(left: string): HTMLElement {
  const mark = h('span', { class: 'now-mark', 'aria-hidden': 'true' });
  mark.style.left = left;
  return mark;
}

function timeline(grants: BrokerRequest[], now: number, refresh: () => void): HTMLElement {
  const spans = grants.map((g) => ({
    start: Date.parse(g.activatedAt as string),
    end: Date.parse(g.expiresAt as string),
  }));
  const scale = scaleFor(spans, now);
  const nowLeft = `${scale.at(now)}%`;
  const axis = h(
    'div',
    { class: 'axis', 'aria-hidden': 'true' },
    scale.ticks.map((t) => {
      const tick = h('span', { class: 'tick' }, clock(t));
      tick.style.left = `${scale.at(t)}%`;
      return tick;
    }),
  );
  const nowLine = h('div', { class: 'now-line', 'aria-hidden': 'true' }, h('span', {}, `now ${clock(now)}Z`));
  nowLine.style.left = nowLeft;
  const rows = grants.map((g, i) => {
    const span = spans[i] as { start: number; end: number };
    const bar = h(
      'a',
      {
        class: 'bar',
        href: `#/requests/${encodeURIComponent(g.id as string)}`,
        title: `${shortTime(g.activatedAt as string)} → ${shortTime(g.expiresAt as string)}`,
        'aria-label': `${functionLabel(g)}: active from ${shortTime(g.activatedAt as string)} until ${shortTime(g.expiresAt as string)}`,
      },
      h('span', { class: 'bar-fill' }),
    );
    bar.style.left = `${scale.at(span.start)}%`;
    bar.style.width = `${Math.max(0.8, scale.at(span.end) - scale.at(span.start))}%`;
    const elapsed = bar.querySelector('.bar-fill') as HTMLElement;
    elapsed.style.width = `${Math.min(100, Math.max(0, ((now - span.start) / (span.end - span.start)) * 100))}%`;
    const button = h('button', { type: 'button', class: 'button button-small button-reject' }, 'Revoke');
    button.addEventListener('click', () => void revoke(g, button, refresh));
    return h(
      'li',
      { class: 'lane', 'data-request-id': g.id ?? '' },
      h(
        'div',
        { class: 'lane-label' },
        h('a', { href: `#/requests/${encodeURIComponent(g.id as string)}`, class: 'lane-title' }, functionLabel(g)),
        h('span', { class: 'mono muted lane-principal' }, g.principal ?? g.eventSourceArn ?? ''),
        h('span', { class: 'lane-meta' }, statusBadge(g.status), ` ends ${relative(g.expiresAt as string, now)}`),
      ),
      h('div', { class: 'track' }, bar, nowMark(nowLeft)),
      h('div', { class: 'lane-actions' }, button),
    );
  });
  return h(
    'div',
    { class: 'timeline' },
    h('div', { class: 'timeline-head' }, h('div', {}), h('div', { class: 'track-head' }, axis), h('div', {})),
    h('div', { class: 'timeline-body' }, h('div', { class: 'now-layer' }, nowLine), h('ul', { class: 'lanes' }, rows)),
  );
}

export async function renderGrants(main: HTMLElement): Promise<void> {
  const refresh = () => void renderGrants(main);
  const heading = h('h1', {}, 'Active grants');
  const intro = h(
    'p',
    { class: 'lede' },
    'Each bar runs from activation to expiry; the line marks now (times in UTC).',
  );
  replaceChildren(main, heading, intro, loading('active grants'));
  let grants: BrokerRequest[];
  try {
    grants = (await listRequests('ACTIVE')).filter((g) => g.activatedAt && g.expiresAt);
  } catch (error) {
    replaceChildren(main, heading, intro, failure('The grants could not be loaded', error, refresh));
    return;
  }
  if (grants.length === 0) {
    replaceChildren(main, heading, intro, empty('No active grants', 'Approved requests appear here while they last.'));
    return;
  }
  grants.sort((a, b) => (a.expiresAt as string).localeCompare(b.expiresAt as string));
  const filters = { fn: '', account: '' };
  const area = h('div', { class: 'timeline-area' });
  const draw = () => {
    const shown = grants.filter(
      (g) =>
        (!filters.fn || functionLabel(g) === filters.fn) &&
        (!filters.account || functionAccount(g.functionArn) === filters.account),
    );
    replaceChildren(
      area,
      shown.length === 0
        ? empty('No grant matches the filters', 'Choose “All” to see every grant.')
        : timeline(shown, Date.now(), refresh),
    );
  };
  const unique = (values: string[]) => [...new Set(values)].sort();
  replaceChildren(
    main,
    h('div', { class: 'title-row' }, heading, h('span', { class: 'count' }, `${grants.length} active`)),
    intro,
    h(
      'div',
      { class: 'filters' },
      select('Function', unique(grants.map(functionLabel)), (v) => ((filters.fn = v), draw())),
      select(
        'Account',
        unique(grants.map((g) => functionAccount(g.functionArn))),
        (v) => ((filters.account = v), draw()),
      ),
    ),
    area,
  );
  draw();
}

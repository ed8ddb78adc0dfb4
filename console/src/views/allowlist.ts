/**
 * Allowlist (admins): the entries, and for a change the impact on live requests before it is saved: POST
 * /v1/allowlist/{id}/impact with the PUT body; GET …/impact previews a delete
 * (docs/api.md, `POST /v1/allowlist/{entryId}/impact`).
 */
import { durationText } from '../../../cli/output/time';
import { api, ApiError, expectOk, type ApiAnswer } from '../api';
import { h, replaceChildren, uid } from '../dom';
import { shortPrincipal } from '../format';
import { empty, failure, loading } from '../states';
import { toast } from '../toast';

interface Entry {
  id: string;
  description?: string;
  functions: string[];
  principals: string[];
  requesters: string[];
  approvers: string[];
  requiredApprovals: number;
  maxDurationSeconds: number;
  autoApprove: boolean;
}

interface Impact {
  kept: string[];
  rematched: { id: string; entryId: string }[];
  ended: { id: string; status: string; reason: string }[];
}

/**
 * The fields a PUT takes (docs/api.md, Allowlist entries); the id comes from the path and stored extras are left out.
 */
const PUT_FIELDS = [
  'description',
  'functions',
  'principals',
  'sourceArns',
  'eventSourceArns',
  'principalOrgIds',
  'sourceAccounts',
  'requesters',
  'approvers',
  'requiredApprovals',
  'maxDurationSeconds',
  'maxExtensions',
  'autoApprove',
  'slackChannel',
];

const putBody = (entry: Record<string, unknown>) =>
  Object.fromEntries(PUT_FIELDS.filter((f) => f in entry).map((f) => [f, entry[f]]));

function impactView(answer: ApiAnswer): HTMLElement {
  if (answer.status === 404 || answer.status === 405) {
    return h(
      'div',
      { class: 'state state-error', role: 'alert' },
      h('p', { class: 'state-title' }, 'This broker cannot preview impact yet'),
      h(
        'p',
        {},
        'It has no impact endpoint (it predates previews). Saving still works; live requests are re-matched after a save.',
      ),
      h('p', { class: 'mono small' }, new ApiError(answer).message),
    );
  }
  if (answer.status >= 400) return failure('The preview was refused', new ApiError(answer));
  const impact = answer.body as Impact;
  return h(
    'div',
    { class: 'impact' },
    h(
      'ul',
      { class: 'impact-counts' },
      h('li', {}, h('strong', {}, String(impact.kept.length)), ' kept'),
      h('li', {}, h('strong', {}, String(impact.rematched.length)), ' move to another entry'),
      h('li', { class: impact.ended.length > 0 ? 'danger' : '' }, h('strong', {}, String(impact.ended.length)), ' end'),
    ),
    impact.rematched.length + impact.ended.length === 0
      ? h('p', { class: 'muted' }, 'No live request changes.')
      : h(
          'ul',
          { class: 'impact-list' },
          impact.rematched.map((r) => h('li', {}, h('span', { class: 'mono' }, r.id), ` → entry ${r.entryId}`)),
          impact.ended.map((e) => h('li', {}, h('span', { class: 'mono' }, e.id), ` → ${e.status}: ${e.reason}`)),
        ),
  );
}

function editor(entry: Entry, back: () => void): HTMLElement {
  const textId = uid('entry-json');
  const text = h('textarea', { id: textId, class: 'code-input', rows: '22', spellcheck: 'false' });
  text.value = JSON.stringify(putBody(entry as unknown as Record<string, unknown>), null, 2);
  const result = h('div', { class: 'impact-area', 'aria-live': 'polite' });
  const path = `v1/allowlist/${encodeURIComponent(entry.id)}`;
  const parsed = (): unknown => {
    try {
      return JSON.parse(text.value);
    } catch (error) {
      replaceChildren(result, failure('The entry is not valid JSON', error));
      return undefined;
    }
  };
  const run = async (label: string, call: () => Promise<ApiAnswer>, show: (a: ApiAnswer) => void) => {
    replaceChildren(result, loading(label));
    try {
      show(await call());
    } catch (error) {
      replaceChildren(result, failure(`${label} failed`, error));
    }
  };
  const button = (label: string, cls: string, onclick: () => void) =>
    h('button', { type: 'button', class: `button ${cls}`, onclick }, label);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'editor-heading' },
    h('h2', { id: 'editor-heading' }, 'Entry ', h('span', { class: 'mono' }, entry.id)),
    h('label', { for: textId }, 'Entry (JSON, as PUT /v1/allowlist/{id} takes it)'),
    text,
    h(
      'div',
      { class: 'editor-buttons' },
      button('Preview impact', 'button-primary', () => {
        const body = parsed();
        if (body !== undefined)
          void run(
            'the impact preview',
            () => api('POST', `${path}/impact`, body),
            (a) => replaceChildren(result, impactView(a)),
          );
      }),
      button('Save', '', () => {
        const body = parsed();
        if (body !== undefined)
          void run(
            'saving',
            () => api('PUT', path, body),
            (a) => {
              if (a.status >= 400)
                return replaceChildren(result, failure('The broker refused the entry', new ApiError(a)));
              const warnings = (a.body as { warnings?: string[] }).warnings ?? [];
              toast(
                `Entry ${entry.id} saved${warnings.length > 0 ? ` with warnings: ${warnings.join('; ')}` : ''}`,
                'ok',
              );
              back();
            },
          );
      }),
      button(
        'Preview delete',
        '',
        () =>
          void run(
            'the delete preview',
            () => api('GET', `${path}/impact`),
            (a) => replaceChildren(result, impactView(a)),
          ),
      ),
      button(
        'Delete',
        'button-reject',
        () =>
          void run(
            'deleting',
            () => api('DELETE', path),
            (a) => {
              if (a.status >= 400)
                return replaceChildren(result, failure('The broker refused the delete', new ApiError(a)));
              toast(`Entry ${entry.id} deleted`, 'ok');
              back();
            },
          ),
      ),
      button('Back to the list', 'button-quiet', back),
    ),
    result,
  );
}

export async function renderAllowlist(main: HTMLElement, selected?: string): Promise<void> {
  const refresh = () => void renderAllowlist(main, selected);
  const heading = h('h1', {}, 'Allowlist');
  const intro = h(
    'p',
    { class: 'lede' },
    'Who may ask for what, who approves, and for how long. Preview a change’s impact on live grants before saving it.',
  );
  replaceChildren(main, heading, intro, loading('the allowlist'));
  let entries: Entry[];
  try {
    entries = (await expectOk<{ items: Entry[] }>(api('GET', 'v1/allowlist'))).items;
  } catch (error) {
    const forbidden = error instanceof ApiError && error.answer.status === 403;
    replaceChildren(
      main,
      heading,
      intro,
      forbidden
        ? empty(
            'Only broker admins see the allowlist',
            'Ask a platform admin, or see what you may ask for with `lpb catalog`.',
          )
        : failure('The allowlist could not be loaded', error, refresh),
    );
    return;
  }
  const chosen = entries.find((e) => e.id === selected);
  if (chosen) {
    replaceChildren(
      main,
      heading,
      editor(chosen, () => (location.hash = '#/allowlist')),
    );
    return;
  }
  if (entries.length === 0) {
    replaceChildren(
      main,
      heading,
      intro,
      empty('No entries yet', 'Create one with `lpb allowlist put ID --file entry.json`.'),
    );
    return;
  }
  const list = (values: string[]) => values.map((v) => h('span', { class: 'chip mono' }, shortPrincipal(v)));
  replaceChildren(
    main,
    heading,
    intro,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'entries' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Entry', 'Functions', 'Principals', 'Approvers', 'Approvals', 'Max'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          entries.map((e) =>
            h(
              'tr',
              {},
              h(
                'th',
                { scope: 'row' },
                h('a', { href: `#/allowlist/${encodeURIComponent(e.id)}` }, e.id),
                h('p', { class: 'muted small' }, e.description ?? ''),
              ),
              h('td', { 'data-label': 'Functions' }, list(e.functions)),
              h('td', { 'data-label': 'Principals' }, list(e.principals)),
              h('td', { 'data-label': 'Approvers' }, list(e.approvers)),
              h('td', { 'data-label': 'Approvals' }, e.autoApprove ? 'automatic' : String(e.requiredApprovals)),
              h('td', { 'data-label': 'Max' }, durationText(e.maxDurationSeconds)),
            ),
          ),
        ),
      ),
    ),
  );
}

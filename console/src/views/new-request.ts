/**
 * New request: a form built from what the allowlist lets this caller ask for (GET /v1/catalog). **Preview** asks the
 * broker for a dry run and shows the exact statement it would add (and the policy as it will be); **Submit** sends that
 * same ask, and is offered only while the form still matches what was previewed.
 */
import { describeApiError, type BrokerRequest } from '../../../cli/api/broker-request';
import { durationText } from '../../../cli/output/time';
import { api, expectOk } from '../api';
import { h, replaceChildren, uid } from '../dom';
import { reviewFields, statementBlock } from '../request-fields';
import { empty, failure, loading } from '../states';
import { toast } from '../toast';

interface CatalogItem {
  entryId: string;
  description: string | null;
  functions: string[];
  principals: string[];
  sourceArns: string[];
  eventSourceArns: string[];
  sourceAccounts: string[] | null;
  maxDurationSeconds: number;
}

const DURATIONS = [300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400];

/** The durations offered: the usual steps up to the longest the caller's entries allow, that longest last. */
export function durationOptions(maxSeconds: number): number[] {
  return [...new Set([...DURATIONS.filter((s) => s < maxSeconds), maxSeconds])];
}

interface Field {
  name: string;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  element: HTMLElement;
  error: HTMLElement;
}

/** A menu of exactly the catalog's values when they are all concrete; a text box whose hint lists patterns otherwise. */
function choiceField(name: string, label: string, values: string[], optional: boolean): Field {
  const id = uid(name);
  const unique = [...new Set(values)];
  const concrete = unique.length > 0 && unique.every((v) => !/[*?]/.test(v));
  const control = concrete
    ? h(
        'select',
        { id, name },
        optional ? h('option', { value: '' }, '(none)') : null,
        unique.map((v) => h('option', { value: v }, v)),
      )
    : h('input', { id, name, type: 'text', class: 'mono', autocomplete: 'off', spellcheck: 'false' });
  const hint =
    concrete || unique.length === 0 ? null : h('p', { class: 'hint mono wrap' }, `Allowed: ${unique.join(', ')}`);
  return field(name, label, control, optional, hint);
}

function field(
  name: string,
  label: string,
  control: Field['control'],
  optional: boolean,
  hint: HTMLElement | null = null,
): Field {
  const error = h('p', { class: 'field-error', role: 'alert' });
  const element = h(
    'div',
    { class: 'form-field' },
    h('label', { for: control.id }, label, optional ? h('span', { class: 'muted' }, ' (optional)') : null),
    control,
    hint,
    error,
  );
  return { name, control, element, error };
}

function requestFields(items: CatalogItem[]): Field[] {
  const invoke = items.filter((i) => i.principals.length > 0);
  const mapping = items.filter((i) => i.eventSourceArns.length > 0);
  const max = Math.max(...items.map((i) => i.maxDurationSeconds));
  const duration = h(
    'select',
    { id: uid('durationSeconds'), name: 'durationSeconds' },
    durationOptions(max).map((s) => h('option', { value: String(s) }, durationText(s))),
  );
  const reason = h('textarea', { id: uid('reason'), name: 'reason', rows: '3', minlength: '10', maxlength: '1000' });
  const ticket = h('input', {
    id: uid('ticket'),
    name: 'ticket',
    type: 'text',
    maxlength: '256',
    placeholder: 'OPS-123',
  });
  return [
    choiceField(
      'functionName',
      'Function',
      items.flatMap((i) => i.functions),
      false,
    ),
    ...(invoke.length > 0
      ? [
          choiceField(
            'principal',
            'Principal (who may invoke)',
            invoke.flatMap((i) => i.principals),
            mapping.length > 0,
          ),
          choiceField(
            'sourceArn',
            'Source ARN',
            invoke.flatMap((i) => i.sourceArns),
            true,
          ),
          choiceField(
            'sourceAccount',
            'Source account (S3: the bucket owner)',
            invoke.flatMap((i) => i.sourceAccounts ?? []),
            true,
          ),
        ]
      : []),
    ...(mapping.length > 0
      ? [
          choiceField(
            'eventSourceArn',
            'Event source ARN',
            mapping.flatMap((i) => i.eventSourceArns),
            invoke.length > 0,
          ),
        ]
      : []),
    field('durationSeconds', 'Duration', duration, false),
    field('reason', 'Reason', reason, false),
    field('ticket', 'Ticket', ticket, true),
  ];
}

/** The create-request body the form holds: blank optional fields left out. */
function askOf(fields: Field[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const value = f.control.value.trim();
    if (value === '') continue;
    body[f.name] = f.name === 'durationSeconds' ? Number(value) : value;
  }
  return body;
}

/** Shows the answer's field errors under their fields; true when there were any. */
function showErrors(fields: Field[], body: unknown): boolean {
  for (const f of fields) f.error.textContent = '';
  const details = (body as { error?: { details?: { path: string; message: string }[] } })?.error?.details ?? [];
  let shown = false;
  for (const d of details) {
    const target = fields.find((f) => f.name === d.path.split('.')[0]);
    if (!target) continue;
    target.error.textContent = d.message;
    shown = true;
  }
  return shown;
}

function requestForm(items: CatalogItem[]): HTMLElement {
  const fields = requestFields(items);
  const preview = h('div', { class: 'preview', 'aria-live': 'polite' });
  const previewButton = h('button', { type: 'button', class: 'button button-primary' }, 'Preview');
  const submitButton = h(
    'button',
    { type: 'button', class: 'button button-approve', disabled: true },
    'Submit request',
  );
  let previewed: string | null = null;
  const invalidate = () => {
    previewed = null;
    submitButton.disabled = true;
  };
  for (const f of fields) f.control.addEventListener('input', invalidate);
  for (const f of fields) f.control.addEventListener('change', invalidate);

  previewButton.addEventListener('click', () => {
    void (async () => {
      const body = askOf(fields);
      previewButton.disabled = true;
      const answer = await api('POST', 'v1/requests?dryRun=true', body).finally(() => (previewButton.disabled = false));
      if (answer.status >= 400) {
        invalidate();
        const message = describeApiError(answer.status, answer.body);
        replaceChildren(preview, showErrors(fields, answer.body) ? null : h('p', { class: 'error-text' }, message));
        toast(message, 'error');
        return;
      }
      showErrors(fields, null);
      const wouldBe = answer.body as BrokerRequest;
      replaceChildren(
        preview,
        h('h2', {}, 'What the broker would add'),
        h('div', { class: 'card-body' }, h('div', {}, reviewFields(wouldBe)), statementBlock(wouldBe)),
      );
      previewed = JSON.stringify(body);
      submitButton.disabled = false;
    })();
  });

  submitButton.addEventListener('click', () => {
    void (async () => {
      const body = askOf(fields);
      if (JSON.stringify(body) !== previewed) return invalidate();
      submitButton.disabled = true;
      try {
        const created = await expectOk<BrokerRequest>(api('POST', 'v1/requests', body));
        toast(`Request ${created.id}: ${created.status}`, 'ok');
        location.hash = '#/mine';
      } catch (error) {
        submitButton.disabled = false;
        toast((error as Error).message, 'error');
      }
    })();
  });

  return h(
    'form',
    { class: 'panel request-form', onsubmit: (e: Event) => e.preventDefault() },
    h(
      'div',
      { class: 'form-grid' },
      fields.map((f) => f.element),
    ),
    h('div', { class: 'editor-buttons' }, previewButton, submitButton),
    preview,
  );
}

export async function renderNewRequest(main: HTMLElement): Promise<void> {
  const heading = h('h1', {}, 'New request');
  const intro = h(
    'p',
    { class: 'lede' },
    'Ask for a time-boxed grant from what the allowlist lets you ask. Preview shows the exact statement first.',
  );
  replaceChildren(main, heading, intro, loading('what you may ask for'));
  let items: CatalogItem[];
  try {
    items = (await expectOk<{ items: CatalogItem[] }>(api('GET', 'v1/catalog'))).items;
  } catch (error) {
    replaceChildren(
      main,
      heading,
      intro,
      failure('The catalog could not be loaded', error, () => void renderNewRequest(main)),
    );
    return;
  }
  if (items.length === 0) {
    replaceChildren(
      main,
      heading,
      intro,
      empty('Nothing to ask for yet', 'No allowlist entry lists you as a requester. A broker admin can add you.'),
    );
    return;
  }
  replaceChildren(main, heading, intro, requestForm(items));
}

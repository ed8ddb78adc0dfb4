/**
 * My grants: the caller's own waiting requests and live grants (GET /v1/requests?mine=true), with Cancel for a waiting
 * request, and Extend and Revoke for an active grant. An extension is a new request that keeps the same statement in
 * place for longer once approved (docs/api.md, `POST /v1/requests/{id}/extend`).
 */
import { functionLabel, type BrokerRequest } from '../../../cli/api/broker-request';
import { durationText, relative } from '../../../cli/output/time';
import { api, ApiError, expectOk, settle } from '../api';
import { h, replaceChildren, uid } from '../dom';
import { statusBadge } from '../format';
import { empty, failure, loading } from '../states';
import { toast } from '../toast';
import { durationOptions } from './new-request';

const LIVE = ['PENDING', 'APPROVED', 'SCHEDULED', 'ACTIVE'] as const;

async function myRequests(): Promise<BrokerRequest[]> {
  const pages = await Promise.all(
    LIVE.map((status) =>
      expectOk<{ items: BrokerRequest[] }>(api('GET', `v1/requests?mine=true&status=${status}&limit=100`)),
    ),
  );
  return pages.flatMap((p) => p.items).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Runs one action on a request, then tells how it ended and redraws. */
async function act(button: HTMLButtonElement, busyText: string, call: () => Promise<string>, done: () => void) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = busyText;
  try {
    toast(await call(), 'ok');
    done();
  } catch (error) {
    button.disabled = false;
    button.textContent = label;
    toast((error as Error).message, 'error');
  }
}

/** How much longer each of the caller's entries lets a grant run (GET /v1/catalog), by entry id. */
type Limits = ReadonlyMap<string, number>;

async function entryLimits(): Promise<Limits> {
  const catalog = await expectOk<{ items: { entryId: string; maxDurationSeconds: number }[] }>(
    api('GET', 'v1/catalog'),
  );
  return new Map(catalog.items.map((i) => [i.entryId, i.maxDurationSeconds]));
}

function extendForm(r: BrokerRequest, maxSeconds: number, done: () => void): HTMLElement {
  const durationId = uid('extend-duration');
  const reasonId = uid('extend-reason');
  const duration = h(
    'select',
    { id: durationId },
    durationOptions(maxSeconds).map((s) => h('option', { value: String(s) }, durationText(s))),
  );
  const reason = h('input', { id: reasonId, type: 'text', minlength: '10', maxlength: '1000' });
  const send = h('button', { type: 'button', class: 'button button-primary button-small' }, 'Ask for more time');
  send.addEventListener('click', () => {
    void act(
      send,
      'Asking…',
      async () => {
        const answer = await api('POST', `v1/requests/${encodeURIComponent(r.id as string)}/extend`, {
          durationSeconds: Number(duration.value),
          reason: reason.value.trim(),
        });
        if (answer.status >= 400) throw new ApiError(answer);
        const extension = await settle(answer.body as BrokerRequest, () => undefined);
        return `Extension ${extension.id}: ${extension.status}`;
      },
      done,
    );
  });
  return h(
    'div',
    { class: 'extend-form' },
    h('label', { for: durationId }, 'More time'),
    duration,
    h('label', { for: reasonId }, 'Reason'),
    reason,
    send,
  );
}

function actions(r: BrokerRequest, limits: Limits, done: () => void): HTMLElement {
  const id = encodeURIComponent(r.id as string);
  const box = h('div', { class: 'my-actions' });
  // A waiting request, or a grant that has not started yet: cancelling it applies nothing.
  if (r.status === 'PENDING' || r.status === 'SCHEDULED') {
    const cancel = h('button', { type: 'button', class: 'button button-small button-reject' }, 'Cancel');
    cancel.addEventListener('click', () => {
      void act(
        cancel,
        'Cancelling…',
        async () => {
          const ended = await expectOk<BrokerRequest>(api('POST', `v1/requests/${id}/cancel`, {}));
          return `${functionLabel(r)} · ${r.id}: ${ended.status}`;
        },
        done,
      );
    });
    box.append(cancel);
  }
  if (r.status === 'ACTIVE') {
    const extend = h('button', { type: 'button', class: 'button button-small' }, 'Extend');
    const revoke = h('button', { type: 'button', class: 'button button-small button-reject' }, 'Revoke');
    extend.addEventListener('click', () => {
      extend.disabled = true;
      // Offer no more than the broker would allow now (the time left and the extension within the entry's maximum); the
      // broker decides either way.
      const max = limits.get(r.allowlistEntryId ?? '') ?? r.durationSeconds;
      const left = r.expiresAt ? Math.max(0, Math.ceil((Date.parse(r.expiresAt) - Date.now()) / 1000)) : 0;
      box.after(extendForm(r, Math.max(0, max - left), done));
    });
    revoke.addEventListener('click', () => {
      void act(
        revoke,
        'Revoking…',
        async () => {
          const answer = await api('POST', `v1/requests/${id}/revoke`, { reason: 'revoked by its requester' });
          if (answer.status >= 400) throw new ApiError(answer);
          const ended = await settle(answer.body as BrokerRequest, () => undefined);
          return `${functionLabel(r)} · ${r.id}: ${ended.status}`;
        },
        done,
      );
    });
    box.append(extend, revoke);
  }
  return box;
}

function grantRow(r: BrokerRequest, now: number, limits: Limits, done: () => void): HTMLElement {
  const when =
    r.status === 'ACTIVE' && r.expiresAt
      ? `ends ${relative(r.expiresAt, now)}`
      : r.status === 'SCHEDULED' && r.startsAt
        ? `starts ${relative(r.startsAt, now)} for ${durationText(r.durationSeconds)}`
        : `asked ${relative(r.createdAt, now)} for ${durationText(r.durationSeconds)}`;
  return h(
    'li',
    { class: 'card my-grant', 'data-request-id': r.id ?? '' },
    h(
      'div',
      { class: 'my-grant-label' },
      h('a', { href: `#/requests/${encodeURIComponent(r.id as string)}`, class: 'lane-title' }, functionLabel(r)),
      h('span', { class: 'mono muted lane-principal' }, r.principal ?? r.eventSourceArn ?? ''),
      h('span', { class: 'lane-meta' }, statusBadge(r.status), r.extends ? ' extension ' : ' ', when),
    ),
    actions(r, limits, done),
  );
}

export async function renderMyGrants(main: HTMLElement): Promise<void> {
  const refresh = () => void renderMyGrants(main);
  const heading = h('h1', {}, 'My grants');
  const intro = h('p', { class: 'lede' }, 'Your waiting requests and live grants (times in UTC).');
  replaceChildren(main, heading, intro, loading('your grants'));
  let mine: BrokerRequest[];
  let limits: Limits;
  try {
    // The catalog only bounds the Extend form's choices: without it, the broker's answer still bounds the extension.
    [mine, limits] = await Promise.all([myRequests(), entryLimits().catch(() => new Map<string, number>())]);
  } catch (error) {
    replaceChildren(main, heading, intro, failure('Your grants could not be loaded', error, refresh));
    return;
  }
  if (mine.length === 0) {
    replaceChildren(
      main,
      heading,
      intro,
      empty('No waiting or live grants', 'Ask for one under New request; it appears here while it waits and lasts.'),
    );
    return;
  }
  const now = Date.now();
  replaceChildren(
    main,
    h('div', { class: 'title-row' }, heading, h('span', { class: 'count' }, `${mine.length} waiting or live`)),
    intro,
    h(
      'ul',
      { class: 'my-grants' },
      mine.map((r) => grantRow(r, now, limits, refresh)),
    ),
  );
}

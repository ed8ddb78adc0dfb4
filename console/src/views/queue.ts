/**
 * Queue: the PENDING requests the broker shows this identity (its own, and those it may approve), each with the
 * exact statement and Approve / Reject. An approval is pinned to the statement on screen (its statementHash).
 */
import { approvePinned } from '../../../cli/api/pinned-approve';
import { functionLabel, type BrokerRequest } from '../../../cli/api/broker-request';
import { api, ApiError, listRequests, getRequest, settle } from '../api';
import { h, replaceChildren, uid } from '../dom';
import { statusBadge, timeElement } from '../format';
import { reviewFields, statementBlock } from '../request-fields';
import type { ConsoleSession } from '../session';
import { empty, failure, loading } from '../states';
import { toast } from '../toast';

/** For an extension (docs/api.md, `POST /v1/requests/{id}/extend`): the grant's end now and after approval. */
async function extensionNote(r: BrokerRequest): Promise<HTMLElement | null> {
  if (!r.extends) return null;
  const note = h('p', { class: 'extension' }, `Extends ${r.extends}…`);
  try {
    const original = await getRequest(r.extends);
    const oldEnd = original.expiresAt;
    const newEnd = oldEnd ? new Date(Date.parse(oldEnd) + r.durationSeconds * 1000).toISOString() : null;
    replaceChildren(
      note,
      h('strong', {}, 'Extension'),
      ' of ',
      h('a', { href: `#/requests/${encodeURIComponent(r.extends)}`, class: 'mono' }, r.extends),
      ': ends ',
      timeElement(oldEnd),
      ' → ',
      h('strong', {}, timeElement(newEnd)),
    );
  } catch (error) {
    replaceChildren(note, `Extension of ${r.extends} (its current end could not be read: ${(error as Error).message})`);
  }
  return note;
}

function decisionForm(r: BrokerRequest, onDecided: () => void): HTMLElement {
  const commentId = uid('comment');
  const comment = h('textarea', {
    id: commentId,
    rows: '2',
    maxlength: '1000',
    placeholder: 'Visible in the audit trail',
  });
  const progress = h('p', { class: 'progress', 'aria-live': 'polite' });
  const buttons: HTMLButtonElement[] = [];
  const busy = (on: boolean) => buttons.forEach((b) => (b.disabled = on));
  const id = r.id as string;

  const decide = async (kind: 'approve' | 'reject') => {
    busy(true);
    progress.textContent = kind === 'approve' ? 'Approving…' : 'Rejecting…';
    const text = comment.value.trim();
    try {
      const answer =
        kind === 'approve'
          ? await approvePinned(api, id, { statementHash: r.statementHash, ...(text ? { comment: text } : {}) })
          : await api('POST', `v1/requests/${encodeURIComponent(id)}/reject`, text ? { comment: text } : {});
      if (answer.status >= 400) throw new ApiError(answer);
      let decided = answer.body as BrokerRequest;
      if (decided.status === 'APPROVED') {
        progress.textContent = 'Approved — the broker is applying the grant…';
        decided = await settle(decided, (next) => (progress.textContent = `Now ${next.status}…`));
      }
      toast(`${functionLabel(r)} · ${id}: ${decided.status}`, decided.status === 'FAILED' ? 'error' : 'ok');
      onDecided();
    } catch (error) {
      progress.textContent = '';
      busy(false);
      const message = (error as Error).message;
      toast(message, 'error');
      progress.append(h('span', { class: 'error-text' }, message));
    }
  };

  const approve = h(
    'button',
    { type: 'button', class: 'button button-approve', onclick: () => void decide('approve') },
    'Approve',
  );
  const reject = h(
    'button',
    { type: 'button', class: 'button button-reject', onclick: () => void decide('reject') },
    'Reject',
  );
  buttons.push(approve, reject);
  return h(
    'div',
    { class: 'decision' },
    h('label', { for: commentId }, 'Comment ', h('span', { class: 'muted' }, '(optional)')),
    comment,
    h('div', { class: 'decision-buttons' }, approve, reject),
    progress,
  );
}

/**
 * Every pending request gets the decision form: whether this caller may decide (not its own request, under any of its
 * sessions; an eligible approver now) is the broker's rule, answered by the broker (a refusal shows as a toast).
 */
function requestCard(r: BrokerRequest, refresh: () => void): HTMLElement {
  const headingId = uid('request');
  const card = h(
    'article',
    { class: 'card request-card', 'aria-labelledby': headingId, 'data-request-id': r.id ?? '' },
    h(
      'header',
      { class: 'card-head' },
      h(
        'h2',
        { id: headingId },
        h('span', {}, functionLabel(r)),
        h('a', { class: 'request-id mono', href: `#/requests/${encodeURIComponent(r.id ?? '')}` }, r.id ?? ''),
      ),
      h(
        'div',
        { class: 'badges' },
        r.extends ? h('span', { class: 'badge badge-info' }, 'extension') : null,
        statusBadge(r.status),
      ),
    ),
    h('div', { class: 'card-body' }, h('div', {}, reviewFields(r)), statementBlock(r)),
    decisionForm(r, refresh),
  );
  void extensionNote(r).then((note) => note && card.querySelector('.card-body')?.before(note));
  return card;
}

export async function renderQueue(main: HTMLElement, session: ConsoleSession): Promise<void> {
  const refresh = () => void renderQueue(main, session);
  const heading = h('h1', {}, 'Queue');
  const intro = h(
    'p',
    { class: 'lede' },
    'Requests waiting for a decision that you may approve, and your own that are waiting.',
  );
  replaceChildren(main, heading, intro, loading('pending requests'));
  let pending: BrokerRequest[];
  try {
    pending = await listRequests('PENDING');
  } catch (error) {
    replaceChildren(main, heading, intro, failure('The queue could not be loaded', error, refresh));
    return;
  }
  if (pending.length === 0) {
    replaceChildren(
      main,
      heading,
      intro,
      empty('Nothing waits for you', 'New requests you may approve appear here. Active grants are on the timeline.'),
    );
    return;
  }
  pending.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  replaceChildren(
    main,
    h('div', { class: 'title-row' }, heading, h('span', { class: 'count' }, `${pending.length} pending`)),
    intro,
    h(
      'div',
      { class: 'cards' },
      pending.map((r) => requestCard(r, refresh)),
    ),
  );
}

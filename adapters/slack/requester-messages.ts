/**
 * What a requester reads in Slack (docs/slack.md, A requester's day in Slack): `/lpb` help, the "not linked" answer,
 * the `/lpb list` of its waiting and live grants with their buttons, and the direct messages on each outcome and before
 * the end. User text is escaped as in the approvers' messages.
 */
import type { GrantRequest, HistoryEvent } from '../../domain/model/request';
import { escapeMrkdwn, humanDuration } from './messages';

const SECTION_LIMIT = 3_000;

function clip(text: string, limit = SECTION_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1).replace(/&[a-z]*$/, '')}…`;
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text) } });

export const HELP_TEXT = [
  '*/lpb request* opens a form to ask for a time-boxed grant on a Lambda function, from what the allowlist lets you ask.',
  '*/lpb list* shows your waiting and active grants, with Extend, Revoke and Cancel.',
  '*/lpb help* shows this.',
  'You hear back here, in a direct message, when a request is decided, becomes active, ends, and before it expires.',
].join('\n');

export function notLinkedText(userId: string): string {
  return (
    `Your Slack user (${userId}) is not linked to an AWS identity, so the broker cannot tell who is asking. ` +
    `Ask a broker admin to add \`${userId}=<your IAM role ARN>\` or \`${userId}=person:<your username>\` to ` +
    'BROKER_SLACK_USERS (the stage parameter slackUsers).'
  );
}

const functionOf = (r: GrantRequest) => (r.qualifier ? `${r.functionArn}:${r.qualifier}` : r.functionArn);
const who = (r: GrantRequest) => escapeMrkdwn(r.principal ?? r.eventSourceArn ?? '');

/** One line that names a request: id, status, who may invoke which function. */
function summary(r: GrantRequest): string {
  const until =
    r.status === 'ACTIVE' && r.expiresAt
      ? ` until ${r.expiresAt}`
      : r.status === 'SCHEDULED' && r.startsAt
        ? ` from ${r.startsAt} until ${r.expiresAt ?? '?'}`
        : '';
  return `\`${r.id}\` *${r.status}*${until}: ${who(r)} → ${escapeMrkdwn(functionOf(r))} (${humanDuration(r.durationSeconds)})`;
}

function button(actionId: string, text: string, id: string, style?: 'primary' | 'danger') {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text },
    value: id,
    ...(style ? { style } : {}),
  };
}

/** The Extend / Revoke / Cancel buttons a request of this status takes. */
function requesterButtons(r: GrantRequest): unknown[] {
  if (r.status === 'ACTIVE')
    return [button('extend', 'Extend', r.id, 'primary'), button('revoke', 'Revoke', r.id, 'danger')];
  if (r.status === 'PENDING' || r.status === 'SCHEDULED') return [button('cancel', 'Cancel', r.id, 'danger')];
  return [];
}

/** `/lpb list`: the caller's PENDING, SCHEDULED and ACTIVE requests, each with its buttons. Slack shows at most 50 blocks here. */
export function grantList(requests: readonly GrantRequest[]): { text: string; blocks: unknown[] } {
  if (requests.length === 0) {
    return { text: 'You have no waiting or active grants. `/lpb request` asks for one.', blocks: [] };
  }
  const shown = requests.slice(0, 24);
  const blocks: unknown[] = [section(`*Your grants* (${requests.length} waiting or active)`)];
  for (const r of shown) {
    blocks.push({ ...section(summary(r)), block_id: `grant-${r.id}` });
    blocks.push({ type: 'actions', block_id: `actions-${r.id}`, elements: requesterButtons(r) });
  }
  return { text: `Your grants: ${requests.length} waiting or active`, blocks };
}

function statementBlock(r: GrantRequest) {
  const json = clip(escapeMrkdwn(JSON.stringify(r.statement, null, 2)), SECTION_LIMIT - 60);
  return section(`*Statement* (${r.kind === 'invoke' ? 'resource policy' : 'execution role'})\n\`\`\`${json}\`\`\``);
}

const detailText = (e: HistoryEvent, key: string) =>
  typeof e.detail[key] === 'string' ? escapeMrkdwn(e.detail[key]) : null;

/** The sentence a requester's direct message says for one history event; null for events it is not told. */
function outcomeText(r: GrantRequest, e: HistoryEvent): string | null {
  switch (e.event) {
    case 'CREATED': {
      const what = r.extends === null ? 'request' : `extension of grant \`${r.extends}\``;
      const next = r.requiredApprovals > 0 ? 'It waits for approval.' : 'Its entry approves it without a review.';
      return `Your ${what} \`${r.id}\` was created: ${who(r)} → ${escapeMrkdwn(functionOf(r))} for ${humanDuration(r.durationSeconds)}. ${next}`;
    }
    case 'APPROVED':
      // An approved extension is told by its grant, once the end has moved (EXTENDED); a grant that starts later by
      // its SCHEDULED event.
      if (r.extends !== null || r.history.some((h) => h.event === 'SCHEDULED')) return null;
      return `Your request \`${r.id}\` was *APPROVED*; the grant is being applied.`;
    case 'SCHEDULED':
      return `Your request \`${r.id}\` was *APPROVED* and is *SCHEDULED*: nothing is applied until ${r.startsAt ?? '?'}; it ends ${r.expiresAt ?? '?'}.`;
    case 'ACTIVATED':
      return `Your grant \`${r.id}\` is *ACTIVE* until ${r.expiresAt ?? '?'}.`;
    case 'REJECTED': {
      const comment = detailText(e, 'comment');
      const said = comment ? `: "${comment}"` : '';
      return `Your request \`${r.id}\` was *REJECTED* by ${escapeMrkdwn(e.actor)}${said}.`;
    }
    case 'FAILED':
      return `Your grant \`${r.id}\` *FAILED*: ${escapeMrkdwn(r.failure?.reason ?? 'unknown reason')}.`;
    case 'TIMED_OUT':
      return `Your request \`${r.id}\` *TIMED_OUT*: nobody decided in time.`;
    case 'REVOKED': {
      const reason = detailText(e, 'reason');
      return `Your grant \`${r.id}\` was *REVOKED* by ${escapeMrkdwn(e.actor)}${reason ? `: ${reason}` : ''}.`;
    }
    case 'EXPIRED':
      return `Your grant \`${r.id}\` *EXPIRED* at ${e.at}; the permission was removed.`;
    case 'EXTENDED':
      return r.extends === null
        ? `Your grant \`${r.id}\` was *EXTENDED*: it now ends ${detailText(e, 'expiresAt') ?? r.expiresAt ?? '?'}.`
        : null;
    default:
      return null;
  }
}

/** A requester's direct message for one history event of its request, or null when it is not told this one. */
export function outcomeMessage(r: GrantRequest, e: HistoryEvent): { text: string; blocks: unknown[] } | null {
  const text = outcomeText(r, e);
  if (text === null) return null;
  const blocks: unknown[] = [section(text)];
  if (e.event === 'CREATED') blocks.push(statementBlock(r));
  return { text: clip(text, 4_000), blocks };
}

/** The one notice before a grant ends, with the Extend button that opens the extend modal. */
export function expiryNotice(r: GrantRequest): { text: string; blocks: unknown[] } {
  const text = `Your grant \`${r.id}\` on ${escapeMrkdwn(functionOf(r))} expires at ${r.expiresAt ?? '?'}.`;
  return {
    text: clip(text, 4_000),
    blocks: [
      section(`${text} Extend it to keep the same permission in place for longer.`),
      { type: 'actions', block_id: `notice-${r.id}`, elements: [button('extend', 'Extend', r.id, 'primary')] },
    ],
  };
}

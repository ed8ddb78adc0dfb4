/** Block Kit messages for a grant request: what approvers see, buttons while PENDING, the outcome after. */
import type { GrantRequest, HistoryEvent } from '../../domain/model/request';

const SECTION_LIMIT = 3_000;

/**
 * Slack mrkdwn: user text must not open links, mentions (<!channel>) or code. `&`, `<`, `>` become entities (Slack
 * shows them as the characters, in code blocks too); a backtick becomes its lookalike ˋ (U+02CB), so user text can
 * neither open a code span nor close the broker's statement block (issue #15, finding 5).
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, '\u02cb');
}

/** Shortens escaped text without leaving half an entity (`&am…`) behind. */
function clip(text: string, limit = SECTION_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1).replace(/&[a-z]*$/, '')}…`;
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text) } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(text) }] });

export interface ButtonValue {
  id: string;
  hash: string;
}

export function buttonValue(r: GrantRequest): string {
  const value: ButtonValue = { id: r.id, hash: r.statementHash };
  return JSON.stringify(value);
}

function source(r: GrantRequest): string {
  if (r.eventSourceArn) return r.eventSourceArn;
  const parts = [
    r.sourceArn,
    r.sourceAccount && `account ${r.sourceAccount}`,
    r.principalOrgId && `org ${r.principalOrgId}`,
  ];
  return parts.filter(Boolean).join(', ') || '(none)';
}

export function humanDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const DECISIONS = new Set(['APPROVED', 'REJECTED', 'CANCELLED', 'TIMED_OUT']);

function lastDecision(r: GrantRequest): HistoryEvent | undefined {
  return [...r.history].reverse().find((e) => DECISIONS.has(e.event));
}

/**
 * For an extension's message (docs/api.md, `POST /v1/requests/{id}/extend`): the grant it extends and its end, now and
 * once the extension is approved.
 */
export interface ExtensionEnds {
  grantId: string;
  /** The grant's end now (before the extension), when known. */
  currentEnd: string | null;
  /** The grant's end with the extension. */
  newEnd: string | null;
}

function extensionSection(r: GrantRequest, ends: ExtensionEnds): unknown {
  const took = r.status === 'EXTENDED';
  const was = ends.currentEnd ?? 'unknown';
  const then = ends.newEnd ?? 'unknown';
  return section(
    `*Extension* of \`${ends.grantId}\` by ${humanDuration(r.durationSeconds)}: no new permission, the same statement lives longer.\n` +
      (took
        ? `The grant's end moved from ${was} to *${then}*.`
        : `The grant ends ${was}; with this extension *${then}*.`),
  );
}

/**
 * Who approved and how far the quorum has come: each approval step's progress for an entry with steps
 * (docs/api.md, Approval steps), else the one count.
 */
function approvalsBlock(r: GrantRequest): unknown {
  const approvals = r.approvals
    .map((a) => {
      const notes = [a.at, ...(a.step ? [`step ${escapeMrkdwn(a.step)}`] : []), ...(a.counted ? [] : ['not counted'])];
      return `${escapeMrkdwn(a.approver)} (${notes.join(', ')})`;
    })
    .join(', ');
  const progress = r.approvalSteps
    ? r.approvalSteps
        .map(
          (s) =>
            `${escapeMrkdwn(s.name)} ${s.counted} of ${s.requiredApprovals}${s.counted >= s.requiredApprovals ? ' ✓' : ''}`,
        )
        .join(' · ')
    : `${r.approvals.filter((a) => a.counted).length} of ${r.requiredApprovals}`;
  return context(`Approvals: ${progress}${approvals ? ` — ${approvals}` : ''}`);
}

/** A grant that starts later shows its window (docs/api.md, A start time). */
function windowOf(r: GrantRequest): string | null {
  if (r.startsAt === null) return null;
  const end = r.expiresAt ?? new Date(Date.parse(r.startsAt) + r.durationSeconds * 1000).toISOString();
  return `*Window*\n${r.startsAt} → ${end}`;
}

/** The policy as it will be and what the approvers should know (docs/policy-preview.md), when the request has them. */
function vettingBlocks(r: GrantRequest): unknown[] {
  const blocks: unknown[] = [];
  const p = r.policyPreview;
  if (p !== null) {
    const left = p.limitBytes - p.policyBytesAfter;
    blocks.push(
      context(
        `Policy: ${p.policyBytes} → ${p.policyBytesAfter} of ${p.limitBytes} bytes (${left} left after this grant), ` +
          `${p.statements} statement(s) now, read ${p.readAt}`,
      ),
    );
    if (p.overlaps.length > 0) {
      const lines = p.overlaps.map((o) => `• \`${escapeMrkdwn(o.statementId)}\` ${escapeMrkdwn(o.reason)}`);
      blocks.push(section(clip(`*Already in the policy*\n${lines.join('\n')}`)));
    }
  }
  if (r.warnings.length > 0) {
    blocks.push(section(clip(`*Warnings*\n${r.warnings.map((w) => `• ${escapeMrkdwn(w)}`).join('\n')}`)));
  }
  return blocks;
}

/** `extension`: the ends to show when `r` extends a grant (its message then says so). */
export function requestMessage(
  r: GrantRequest,
  extension: ExtensionEnds | null = null,
): { text: string; blocks: unknown[] } {
  const fn = r.qualifier ? `${r.functionArn}:${r.qualifier}` : r.functionArn;
  const what = extension ? 'Grant extension' : 'Grant request';
  // The notification text is mrkdwn too: a principal or ARN here could mention or link like any block.
  const text = `${what} ${r.id}: ${escapeMrkdwn(r.principal ?? r.eventSourceArn ?? '')} → ${escapeMrkdwn(fn)} (${r.status})`;
  const blocks: unknown[] = [
    section(`*Lambda ${what.toLowerCase()}* \`${r.id}\` — *${r.status}*`),
    ...(extension ? [extensionSection(r, extension)] : []),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Requester*\n${escapeMrkdwn(r.requester)}` },
        { type: 'mrkdwn', text: `*Function*\n${escapeMrkdwn(fn)}` },
        { type: 'mrkdwn', text: `*Principal*\n${escapeMrkdwn(r.principal ?? '(event source mapping)')}` },
        { type: 'mrkdwn', text: `*Source*\n${escapeMrkdwn(source(r))}` },
        { type: 'mrkdwn', text: `*Duration*\n${humanDuration(r.durationSeconds)}` },
        { type: 'mrkdwn', text: `*Ticket*\n${escapeMrkdwn(r.ticket ?? '—')}` },
      ].map((f) => ({ ...f, text: clip(f.text, 2_000) })),
    },
    ...[windowOf(r)].filter((w): w is string => w !== null).map(section),
    section(`*Reason*\n${escapeMrkdwn(r.reason)}`),
    section(
      `*Statement* (${r.kind === 'invoke' ? 'resource policy' : 'execution role'})\n\`\`\`${clip(escapeMrkdwn(JSON.stringify(r.statement, null, 2)), SECTION_LIMIT - 60)}\`\`\``,
    ),
  ];
  blocks.push(...vettingBlocks(r));
  blocks.push(approvalsBlock(r));
  if (r.status === 'PENDING') {
    const value = buttonValue(r);
    blocks.push({
      type: 'actions',
      block_id: 'decision',
      elements: [
        {
          type: 'button',
          action_id: 'approve',
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
          value,
        },
        { type: 'button', action_id: 'reject', style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value },
      ],
    });
  } else {
    const decision = lastDecision(r);
    const who = decision ? ` by ${escapeMrkdwn(decision.actor)} at ${decision.at}` : '';
    blocks.push(section(`*${r.status}*${who}`));
  }
  return { text: clip(text, 4_000), blocks };
}

/** Thread replies for the events after the decision. */
export function threadReply(r: GrantRequest, event: HistoryEvent): string | null {
  switch (event.event) {
    case 'ACTIVATED':
      return `Grant is ACTIVE until ${r.expiresAt ?? '?'}.`;
    case 'SCHEDULED':
      return `Grant SCHEDULED: nothing is applied until ${r.startsAt ?? '?'}; it ends ${r.expiresAt ?? '?'}.`;
    case 'EXPIRED':
      return `Grant EXPIRED at ${event.at}; the permission was removed.`;
    case 'REVOKED': {
      const reason = typeof event.detail.reason === 'string' ? `: ${escapeMrkdwn(event.detail.reason)}` : '';
      return `Grant REVOKED by ${escapeMrkdwn(event.actor)} at ${event.at}${reason}.`;
    }
    case 'TIMED_OUT':
      return `Request TIMED_OUT at ${event.at}: no decision in time.`;
    case 'FAILED':
      return `Grant FAILED: ${escapeMrkdwn(r.failure?.reason ?? 'unknown reason')}.`;
    case 'EXTENDED': {
      const { previousExpiresAt, expiresAt } = event.detail as { previousExpiresAt?: unknown; expiresAt?: unknown };
      const moved = `from ${String(previousExpiresAt)} to ${String(expiresAt)}`;
      return r.extends === null
        ? `Grant EXTENDED by ${escapeMrkdwn(event.actor)}: its end moved ${moved}.`
        : `Extension took effect: the grant's end moved ${moved}.`;
    }
    case 'REMOVAL_BLOCKED': {
      const reason = typeof event.detail.reason === 'string' ? escapeMrkdwn(event.detail.reason) : 'refused';
      return `:warning: The permission could not be removed: AWS refused (${reason}). The broker tries again every 5 minutes; the grant stays listed as overdue until it is gone.`;
    }
    case 'ADOPTION_CONFLICT': {
      const sid = escapeMrkdwn(String(event.detail.statementId));
      return `:warning: Statement ${sid} changed after it was adopted, so it was left in place beside the broker's own. Ask its owner whether it should stay.`;
    }
    case 'REMOVAL_UNBLOCKED':
      return `The blocked removal went through at ${event.at}.`;
    case 'DRIFT': {
      const reason = typeof event.detail.reason === 'string' ? escapeMrkdwn(event.detail.reason) : 'policy drift';
      return `DRIFT (${escapeMrkdwn(String(event.detail.action))}): ${reason}.`;
    }
    default:
      return null;
  }
}

/**
 * A requester's direct messages (docs/slack.md, A requester's day in Slack), run from the Slack queue with the
 * approvers' channel messages: each history event a requester is told about (created, approved, active, rejected,
 * failed, timed out, revoked, expired, extended) goes to the Slack users linked to the request's requester, in order,
 * and once; then, when due, the one expiry notice of the grant's current end, with its Extend button. Slack unavailable
 * throws (the queue retries); a permanent refusal is logged and dropped.
 */
import type { GrantRequest, HistoryEvent } from '../../domain/model/request';
import { slackUsersOfRequester, type IdentityRules } from '../../domain/rulebook/identity';
import { isNoticeDue } from '../../domain/rules/expiry-notice';
import type { RequesterDmState } from '../dynamodb/requester-dm-store';
import { expiryNotice, outcomeMessage } from './requester-messages';
import type { SlackClient, SlackResult } from './slack-client';

/** Where the DM progress is kept (adapters/dynamodb/requester-dm-store.ts; in memory in unit tests). */
export interface RequesterDmStates {
  /** Null when nothing of the request was ever told. */
  get(requestId: string): Promise<RequesterDmState | null>;
  markTold(requestId: string, told: number): Promise<void>;
  markNotice(requestId: string, expiresAt: string): Promise<void>;
}

/**
 * A request first told long after it began (it predates the requester's link, or direct messages) starts from its
 * recent history, not its whole past: the events within this long of its newest one. A request told from its creation
 * (the usual case: its first change is told within seconds) is told whole.
 */
export const FIRST_TOLD_WINDOW_MS = 15 * 60 * 1000;

/** Where telling a request starts when nothing of it was told yet. */
export function firstToTell(history: readonly HistoryEvent[]): number {
  const newest = Date.parse(history.at(-1)?.at ?? '');
  const recent = history.findIndex((e) => newest - Date.parse(e.at) <= FIRST_TOLD_WINDOW_MS);
  return recent === -1 ? history.length : recent;
}

export class RequesterNotifier {
  constructor(
    private readonly deps: {
      slack: Pick<SlackClient, 'postMessage'>;
      states: RequesterDmStates;
      rules: IdentityRules;
      noticeSeconds: number;
      now: () => Date;
      /** True on success; throws when Slack may recover; false on a permanent refusal (logged). */
      judge: (what: string, request: GrantRequest, result: SlackResult) => boolean;
    },
  ) {}

  /** Tells the requester what it has not been told of `request` yet, and the expiry notice when it is due. */
  async tell(request: GrantRequest): Promise<void> {
    const { states, rules } = this.deps;
    const users = slackUsersOfRequester(request, rules);
    if (users.length === 0) return;
    const state = await states.get(request.id);
    for (let i = state?.told ?? firstToTell(request.history); i < request.history.length; i++) {
      const message = outcomeMessage(request, request.history[i] as HistoryEvent);
      if (message) await this.send(users, request, message);
      await states.markTold(request.id, i + 1);
    }
    if (
      request.expiresAt !== null &&
      isNoticeDue(request, state?.noticeFor ?? null, this.deps.now(), this.deps.noticeSeconds)
    ) {
      await this.send(users, request, expiryNotice(request));
      await states.markNotice(request.id, request.expiresAt);
    }
  }

  private async send(users: readonly string[], request: GrantRequest, message: { text: string; blocks: unknown[] }) {
    for (const channel of users) {
      this.deps.judge('direct message', request, await this.deps.slack.postMessage({ channel, ...message }));
    }
  }
}

/**
 * Slack side of the lifecycle (docs/api.md, Slack approvals), run from the notification queue after the answer was
 * given: brings a request's Slack message up to date with its stored history. A new request that waits for approvers
 * gets its message (buttons while PENDING) in its entry's channel; each later change re-renders it, and events after
 * the decision add thread replies. How far the history has been told is stored, so a retry repeats nothing. Slack
 * unavailable (timeouts, 429, 5xx) throws: the queue retries, a bounded number of times. A permanent refusal (channel
 * gone, bad token) is logged and dropped: it will not get better by retrying.
 */
import type { GrantRequest } from '../../domain/model/request';
import { approvalChannelsOf } from '../../domain/rulebook/approval-steps';
import type { AllowlistStore, RequestStore } from '../../domain/ports';
import type { DynamoSlackMessageStore, SlackMessageRef } from '../dynamodb/slack-message-store';
import { requestMessage, threadReply, type ExtensionEnds } from './messages';
import type { RequesterNotifier } from './requester-notifier';
import type { SlackClient, SlackResult } from './slack-client';

/** How the requester's notifier judges a Slack answer: the channel notifier's own rule. */
export type RequesterNotifierJudge = (what: string, request: GrantRequest, result: SlackResult) => boolean;

export interface NotifierLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Slack answers that may go away by themselves. */
const TRANSIENT =
  /^(rate_limited|ratelimited|unreachable|http_5\d\d|service_unavailable|internal_error|fatal_error|request_timeout)/;

/** Thrown when Slack is unavailable: the notification stays queued and is tried again. */
export class SlackUnavailableError extends Error {
  constructor(what: string, error: string) {
    super(`slack ${what} failed: ${error}`);
    this.name = 'SlackUnavailableError';
  }
}

export class SlackNotifier {
  constructor(
    private readonly deps: {
      slack: SlackClient;
      messages: DynamoSlackMessageStore;
      store: RequestStore;
      allowlist: AllowlistStore;
      log: NotifierLog;
      now?: () => Date;
      /** The requester's direct messages (docs/slack.md); none when nobody is linked. */
      requester?: (judge: RequesterNotifierJudge) => RequesterNotifier;
    },
  ) {
    this.requester = deps.requester ? deps.requester((what, request, result) => this.ok(what, request, result)) : null;
  }

  private readonly requester: RequesterNotifier | null;

  /** Brings the approvers' channel message and the requester's direct messages up to date with the stored history. */
  async announce(requestId: string): Promise<void> {
    const request = await this.deps.store.get(requestId);
    if (!request) return;
    await this.announceInChannel(request);
    await this.requester?.tell(request);
  }

  /** The expiry notice's timer came due: the requester hears of it unless the grant has moved on since. */
  async notice(requestId: string): Promise<void> {
    const request = await this.deps.store.get(requestId);
    if (request) await this.requester?.tell(request);
  }

  /**
   * The approval message in the entry's channel, and in each approval step's own (docs/api.md, Approval steps): the
   * first channel's message is stored under the request id and lists the others, each stored under `<id>#<channel>`.
   */
  private async announceInChannel(request: GrantRequest): Promise<void> {
    const first = (await this.deps.messages.get(request.id)) ?? (await this.post(request));
    if (!first) return;
    await this.bringUpToDate(request, request.id, first);
    for (const channel of first.otherChannels ?? []) {
      const key = `${request.id}#${channel}`;
      const ref = await this.deps.messages.get(key);
      if (ref) await this.bringUpToDate(request, key, ref);
    }
  }

  /** One channel's message: re-rendered, and the events after the decision as thread replies, each told once. */
  private async bringUpToDate(request: GrantRequest, key: string, ref: SlackMessageRef): Promise<void> {
    if (ref.told >= request.history.length) return;
    const { slack, messages } = this.deps;
    if (
      !this.ok(
        'chat.update',
        request,
        await slack.update({
          channel: ref.channel,
          ts: ref.ts,
          ...requestMessage(request, await this.extensionEnds(request)),
        }),
      )
    ) {
      return;
    }
    for (let i = ref.told; i < request.history.length; i++) {
      const text = threadReply(request, request.history[i] as GrantRequest['history'][number]);
      if (text)
        this.ok('thread reply', request, await slack.postMessage({ channel: ref.channel, thread_ts: ref.ts, text }));
      await messages.markTold(key, i + 1);
    }
  }

  /** Answers a Slack interaction through its response_url. */
  async respond(url: string, body: Record<string, unknown>): Promise<void> {
    const result = await this.deps.slack.respond(url, body);
    if (!result.ok && TRANSIENT.test(result.error)) throw new SlackUnavailableError('response_url', result.error);
  }

  /**
   * Posts the approval message of a request that waits for approvers in each of its entry's channels; the first
   * channel's reference (listing the others), or null when it gets none.
   */
  private async post(request: GrantRequest): Promise<SlackMessageRef | null> {
    if (request.requiredApprovals === 0) return null;
    const entry = await this.deps.allowlist.get(request.allowlistEntryId);
    const [first, ...others] = entry ? approvalChannelsOf(entry) : [];
    if (!first) return null;
    const ref = await this.postIn(request, first);
    if (!ref) return null;
    const posted: string[] = [];
    for (const channel of others) {
      const other = await this.postIn(request, channel);
      if (!other) continue;
      await this.deps.messages.put(`${request.id}#${channel}`, other);
      posted.push(channel);
    }
    const withOthers = posted.length > 0 ? { ...ref, otherChannels: posted } : ref;
    await this.deps.messages.put(request.id, withOthers);
    return withOthers;
  }

  /** One channel's approval message; only the creation counts as told, later events follow. */
  private async postIn(request: GrantRequest, channel: string): Promise<SlackMessageRef | null> {
    const posted = await this.deps.slack.postMessage({
      channel,
      ...requestMessage(request, await this.extensionEnds(request)),
    });
    if (!this.ok('chat.postMessage', request, posted) || !posted.ok || !posted.ts) return null;
    return { channel: posted.channel ?? channel, ts: posted.ts, told: 1 };
  }

  /** An extension's message shows the grant's end now and with it; once it took effect, the ends it recorded. */
  private async extensionEnds(request: GrantRequest): Promise<ExtensionEnds | null> {
    if (request.extends === null) return null;
    const took = request.history.find((e) => e.event === 'EXTENDED')?.detail;
    if (took) {
      const { previousExpiresAt, expiresAt } = took as { previousExpiresAt: string; expiresAt: string };
      return { grantId: request.extends, currentEnd: previousExpiresAt, newEnd: expiresAt };
    }
    const end = (await this.deps.store.get(request.extends))?.expiresAt ?? null;
    const newEnd = end === null ? null : new Date(Date.parse(end) + request.durationSeconds * 1000).toISOString();
    return { grantId: request.extends, currentEnd: end, newEnd };
  }

  /** True on success; throws when Slack may recover; logs and returns false on a permanent refusal. */
  private ok(what: string, request: GrantRequest, result: SlackResult): boolean {
    if (result.ok) return true;
    if (TRANSIENT.test(result.error)) throw new SlackUnavailableError(what, result.error);
    this.deps.log.warn(`slack ${what} failed`, { requestId: request.id, error: result.error });
    return false;
  }
}

/**
 * Slack side of the lifecycle (docs/api.md, Slack approvals), run from the notification queue after the answer was
 * given: brings a request's Slack message up to date with its stored history. A new request that waits for approvers
 * gets its message (buttons while PENDING) in its entry's channel; each later change re-renders it, and events after
 * the decision add thread replies. How far the history has been told is stored, so a retry repeats nothing. Slack
 * unavailable (timeouts, 429, 5xx) throws: the queue retries, a bounded number of times. A permanent refusal (channel
 * gone, bad token) is logged and dropped: it will not get better by retrying.
 */
import type { GrantRequest } from '../../domain/model/request';
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

  private async announceInChannel(request: GrantRequest): Promise<void> {
    const requestId = request.id;
    const ref = (await this.deps.messages.get(requestId)) ?? (await this.post(request));
    if (!ref || ref.told >= request.history.length) return;
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
      await messages.markTold(requestId, i + 1);
    }
  }

  /** Answers a Slack interaction through its response_url. */
  async respond(url: string, body: Record<string, unknown>): Promise<void> {
    const result = await this.deps.slack.respond(url, body);
    if (!result.ok && TRANSIENT.test(result.error)) throw new SlackUnavailableError('response_url', result.error);
  }

  /** Posts the approval message of a request that waits for approvers in a channel; null when it gets none. */
  private async post(request: GrantRequest): Promise<SlackMessageRef | null> {
    if (request.requiredApprovals === 0) return null;
    const channel = (await this.deps.allowlist.get(request.allowlistEntryId))?.slackChannel;
    if (!channel) return null;
    const posted = await this.deps.slack.postMessage({
      channel,
      ...requestMessage(request, await this.extensionEnds(request)),
    });
    if (!this.ok('chat.postMessage', request, posted) || !posted.ok || !posted.ts) return null;
    // The message shows the request as it is now; only the creation counts as told, later events follow.
    const ref = { channel: posted.channel ?? channel, ts: posted.ts, told: 1 };
    await this.deps.messages.put(request.id, ref);
    return ref;
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

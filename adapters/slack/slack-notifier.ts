/**
 * Slack side of the lifecycle (API.md §8), reacting to recorded events: a new PENDING request posts the approval
 * message to its entry's channel; every later event re-renders that message (buttons only while PENDING) and
 * events after the decision add a thread reply. Failures are logged, never thrown.
 */
import type { GrantRequest, HistoryEvent } from '../../domain/model/request';
import type { AllowlistStore, GrantEventListener, ResourcePolicyGateway } from '../../domain/ports';
import { bytesLeftAfter } from '../../domain/rules/policy-limits';
import type { InvokeStatement } from '../../policies/statement-types';
import type { DynamoSlackMessageStore } from '../dynamodb/slack-message-store';
import { requestMessage, threadReply } from './messages';
import type { SlackClient, SlackResult } from './slack-client';

export interface NotifierLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export class SlackNotifier implements GrantEventListener {
  constructor(
    private readonly deps: {
      slack: SlackClient;
      messages: DynamoSlackMessageStore;
      allowlist: AllowlistStore;
      policies: ResourcePolicyGateway;
      log: NotifierLog;
    },
  ) {}

  async recorded(request: GrantRequest, events: readonly HistoryEvent[]): Promise<void> {
    try {
      await this.notify(request, events);
    } catch (error) {
      this.deps.log.warn('slack notification failed', { requestId: request.id, error: String(error) });
    }
  }

  private async notify(request: GrantRequest, events: readonly HistoryEvent[]): Promise<void> {
    const { slack, messages, allowlist } = this.deps;
    if (events.some((e) => e.event === 'CREATED')) {
      if (request.status !== 'PENDING') return;
      const channel = (await allowlist.get(request.allowlistEntryId))?.slackChannel;
      if (!channel) return;
      const posted = await slack.postMessage({ channel, ...requestMessage(request, await this.bytesLeft(request)) });
      if (posted.ok && posted.ts) await messages.put(request.id, { channel: posted.channel ?? channel, ts: posted.ts });
      else this.failed('chat.postMessage', request, posted);
      return;
    }
    const ref = await messages.get(request.id);
    if (!ref) return;
    const updated = await slack.update({ ...ref, ...requestMessage(request, null) });
    // Slack in trouble: say so once and stop, so a click is still answered within Slack's 3 seconds.
    if (!updated.ok) return this.failed('chat.update', request, updated);
    for (const event of events) {
      const text = threadReply(request, event);
      if (!text) continue;
      const replied = await slack.postMessage({ channel: ref.channel, thread_ts: ref.ts, text });
      if (!replied.ok) this.failed('thread reply', request, replied);
    }
  }

  /** Bytes left in the function's policy after this grant (invoke grants only). */
  private async bytesLeft(request: GrantRequest): Promise<number | null> {
    if (request.kind !== 'invoke') return null;
    const policy = await this.deps.policies.read({ functionName: request.functionArn, qualifier: request.qualifier });
    return bytesLeftAfter(policy?.statements ?? [], request.statement as InvokeStatement);
  }

  private failed(what: string, request: GrantRequest, result: SlackResult): void {
    this.deps.log.warn(`slack ${what} failed`, { requestId: request.id, error: result.ok ? 'no ts' : result.error });
  }
}

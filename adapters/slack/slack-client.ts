/**
 * A small Slack Web API client (chat.postMessage, chat.update, views.open, response_url). Bounded: every attempt has a timeout
 * (generous: nothing waits on Slack any more, so a slow Slack still gets its update), 429 is retried after
 * Retry-After only while it fits the call's budget, and failures come back as values for the caller to judge.
 */

export type SlackResult = { ok: true; ts?: string; channel?: string } | { ok: false; error: string };

export interface SlackClientOptions {
  apiUrl: string;
  token: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** All attempts of one call together. */
  budgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class SlackClient {
  private readonly timeoutMs: number;
  private readonly budgetMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SlackClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 6_000;
    this.budgetMs = options.budgetMs ?? 15_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  postMessage(message: {
    channel: string;
    text: string;
    blocks?: unknown[];
    thread_ts?: string;
  }): Promise<SlackResult> {
    return this.call('chat.postMessage', message);
  }

  update(message: { channel: string; ts: string; text: string; blocks: unknown[] }): Promise<SlackResult> {
    return this.call('chat.update', message);
  }

  /**
   * Opens a modal on a command's or click's `trigger_id` (views.open). Slack honours a trigger for 3 s, so the client
   * that opens views is built with a budget inside that.
   */
  openView(triggerId: string, view: Record<string, unknown>): Promise<SlackResult> {
    return this.call('views.open', { trigger_id: triggerId, view });
  }

  /** Answers an interaction through its response_url (ephemeral refusals). */
  async respond(responseUrl: string, body: Record<string, unknown>): Promise<SlackResult> {
    return this.send(responseUrl, body, false);
  }

  private call(method: string, body: Record<string, unknown>): Promise<SlackResult> {
    return this.send(`${this.options.apiUrl.replace(/\/$/, '')}/${method}`, body, true);
  }

  private async send(url: string, body: Record<string, unknown>, authenticated: boolean): Promise<SlackResult> {
    const deadline = Date.now() + this.budgetMs;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            ...(authenticated ? { authorization: `Bearer ${this.options.token}` } : {}),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(Math.max(1, Math.min(this.timeoutMs, deadline - Date.now()))),
        });
      } catch (error) {
        if (attempt < 3 && Date.now() < deadline - 100) continue;
        return { ok: false, error: `unreachable: ${error instanceof Error ? error.name : 'error'}` };
      }
      if (response.status === 429) {
        const waitMs = Number(response.headers.get('retry-after') ?? '1') * 1000;
        if (attempt < 3 && Date.now() + waitMs < deadline) {
          await this.sleep(waitMs);
          continue;
        }
        return { ok: false, error: 'rate_limited' };
      }
      if (response.status >= 500) {
        if (attempt < 3 && Date.now() < deadline - 100) continue;
        return { ok: false, error: `http_${response.status}` };
      }
      if (!authenticated) return response.ok ? { ok: true } : { ok: false, error: `http_${response.status}` };
      const parsed = (await response.json().catch(() => null)) as {
        ok?: boolean;
        error?: string;
        ts?: string;
        channel?: string;
      } | null;
      if (parsed?.ok)
        return {
          ok: true,
          ...(parsed.ts ? { ts: parsed.ts } : {}),
          ...(parsed.channel ? { channel: parsed.channel } : {}),
        };
      return { ok: false, error: parsed?.error ?? `http_${response.status}` };
    }
  }
}

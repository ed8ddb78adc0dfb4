/**
 * A faithful fake of the Slack Web API on 127.0.0.1 (the broker's side of it: docs/api.md, Slack approvals): chat.postMessage and
 * chat.update under /api, bearer-token check (invalid_auth), JSON or form bodies, increasing `ts`, message_not_found
 * for an unknown (channel, ts), every call recorded, and injectable 429/500 answers. /hooks/* takes response_url posts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  body: Record<string, any>;
  authorization: string | undefined;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly hooks: { path: string; body: Record<string, any> }[] = [];
  readonly messages = new Map<string, Record<string, any>>();
  /** Answers to give instead of the real behaviour, first in first out. */
  readonly inject: { status: number; retryAfter?: number }[] = [];
  /** How long every Web API answer takes (a slow Slack); response_url posts answer at once. */
  latencyMs = 0;
  private server: Server | undefined;
  private clock = 1_700_000_000;
  url = '';

  constructor(private readonly token = 'xoxb-test-token') {}

  get apiUrl(): string {
    return `${this.url}/api`;
  }

  posted(): Record<string, any>[] {
    return this.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.body);
  }

  updated(): Record<string, any>[] {
    return this.calls.filter((c) => c.method === 'chat.update').map((c) => c.body);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const json = (req.headers['content-type'] ?? '').includes('json');
        const body: Record<string, any> = json
          ? (JSON.parse(raw || '{}') as Record<string, any>)
          : Object.fromEntries(new URLSearchParams(raw));
        if (typeof body.blocks === 'string') body.blocks = JSON.parse(body.blocks);
        const path = req.url ?? '/';
        const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(payload));
        };
        if (path.startsWith('/hooks/')) {
          this.hooks.push({ path, body });
          return reply(200, { ok: true });
        }
        const method = path.replace(/^\/api\//, '');
        this.calls.push({ method, body, authorization: req.headers.authorization });
        if (this.latencyMs > 0) {
          setTimeout(() => this.answer(method, body, req.headers.authorization, reply), this.latencyMs);
          return;
        }
        this.answer(method, body, req.headers.authorization, reply);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private answer(
    method: string,
    body: Record<string, any>,
    authorization: string | undefined,
    reply: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): void {
    const injected = this.inject.shift();
    if (injected) {
      return reply(
        injected.status,
        { ok: false, error: 'injected' },
        injected.retryAfter ? { 'retry-after': String(injected.retryAfter) } : {},
      );
    }
    if (authorization !== `Bearer ${this.token}`) return reply(200, { ok: false, error: 'invalid_auth' });
    if (method === 'chat.postMessage') {
      const ts = `${this.clock++}.000100`;
      this.messages.set(`${body.channel}/${ts}`, body);
      return reply(200, { ok: true, channel: body.channel, ts, message: body });
    }
    if (method === 'chat.update') {
      const key = `${body.channel}/${body.ts}`;
      if (!this.messages.has(key)) return reply(200, { ok: false, error: 'message_not_found' });
      this.messages.set(key, body);
      return reply(200, { ok: true, channel: body.channel, ts: body.ts });
    }
    return reply(200, { ok: false, error: 'unknown_method' });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A Slack block_actions click, form-encoded and signed like Slack does. */
export function signedClick(options: {
  secret: string;
  userId: string;
  actionId: string;
  value: string;
  responseUrl?: string;
  timestamp?: number;
  sign?: (secret: string, ts: string, body: string) => string;
}): { body: string; headers: Record<string, string> } {
  const payload = {
    type: 'block_actions',
    user: { id: options.userId, username: 'someone', team_id: 'T0001' },
    team: { id: 'T0001' },
    channel: { id: 'C0123ABCD' },
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0123ABCD' },
    response_url: options.responseUrl,
    actions: [{ action_id: options.actionId, block_id: 'decision', value: options.value, type: 'button' }],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const ts = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = (options.sign ?? defaultSign)(options.secret, ts, body);
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signature,
    },
  };
}

// The test's own HMAC, independent of the broker's implementation.
function defaultSign(secret: string, ts: string, body: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHmac } = require('node:crypto') as typeof import('node:crypto');
  return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
}

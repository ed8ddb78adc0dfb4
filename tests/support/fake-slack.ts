/**
 * A faithful fake of the Slack Web API on 127.0.0.1 (the broker's side of it: docs/api.md, Slack approvals): chat.postMessage and
 * chat.update under /api, bearer-token check (invalid_auth), JSON or form bodies, increasing `ts`, message_not_found
 * for an unknown (channel, ts), every call recorded, and injectable 429/500 answers. /hooks/* takes response_url posts.
 * views.open checks what Slack checks of a modal (a trigger_id; a title of at most 24 characters; input blocks with one
 * element and a block_id unique in the view; selects of 1-100 options whose text is at most 75 characters and value
 * at most 150) and answers `invalid_arguments` otherwise.
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

  /** The modals opened, in order. */
  opened(): Record<string, any>[] {
    return this.calls.filter((c) => c.method === 'views.open').map((c) => c.body);
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
    if (method === 'views.open') {
      const problem = modalProblem(body);
      if (problem)
        return reply(200, { ok: false, error: 'invalid_arguments', response_metadata: { messages: [problem] } });
      return reply(200, { ok: true, view: { id: `V${this.clock++}`, ...(body.view as Record<string, any>) } });
    }
    return reply(200, { ok: false, error: 'unknown_method' });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** What Slack refuses in a views.open call (a subset of Block Kit's rules: the ones a broker's modal could break). */
function modalProblem(body: Record<string, any>): string | null {
  if (typeof body.trigger_id !== 'string' || body.trigger_id === '') return 'trigger_id is required';
  const view = body.view as Record<string, any> | undefined;
  if (view?.type !== 'modal') return 'view.type must be modal';
  if (typeof view.title?.text !== 'string' || view.title.text.length > 24) return 'title must be at most 24 characters';
  const blocks = (view.blocks ?? []) as Record<string, any>[];
  if (blocks.length === 0 || blocks.length > 100) return 'a modal holds 1-100 blocks';
  const ids = new Set<string>();
  for (const block of blocks) {
    if (block.block_id !== undefined) {
      if (ids.has(block.block_id)) return `duplicate block_id ${block.block_id}`;
      ids.add(block.block_id);
    }
    if (block.type !== 'input') continue;
    if (!view.submit) return 'a modal with inputs needs submit';
    const element = block.element as Record<string, any> | undefined;
    if (!element || Array.isArray(element)) return 'an input block holds exactly one element';
    if (element.type === 'static_select') {
      const options = (element.options ?? []) as { text: { text: string }; value: string }[];
      if (options.length === 0 || options.length > 100) return 'a select holds 1-100 options';
      if (options.some((o) => o.text.text.length > 75 || o.value.length > 150)) return 'option text ≤ 75, value ≤ 150';
    }
  }
  return null;
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
    trigger_id: '1700000000.2.abcdef',
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

/** The signed `/lpb` slash command of a Slack user, form-encoded as Slack sends it. */
export function signedCommand(options: {
  secret: string;
  userId: string;
  text: string;
  triggerId?: string;
  timestamp?: number;
}): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    channel_id: 'D0001',
    user_id: options.userId,
    user_name: 'someone',
    command: '/lpb',
    text: options.text,
    response_url: 'https://hooks.slack.com/commands/T0001/1/abc',
    trigger_id: options.triggerId ?? '1700000000.1.abcdef',
  }).toString();
  return signedForm(options.secret, body, options.timestamp);
}

/** A submitted modal (view_submission) of a Slack user: `values` by block_id (a select's choice or a text). */
export function signedSubmission(options: {
  secret: string;
  userId: string;
  callbackId: string;
  values: Record<string, string | { selected: string }>;
  privateMetadata?: string;
  viewId?: string;
  timestamp?: number;
}): { body: string; headers: Record<string, string> } {
  const values = Object.fromEntries(
    Object.entries(options.values).map(([block, v]) => [
      block,
      {
        [block]:
          typeof v === 'string'
            ? { type: 'plain_text_input', value: v }
            : {
                type: 'static_select',
                selected_option: { text: { type: 'plain_text', text: v.selected }, value: v.selected },
              },
      },
    ]),
  );
  const payload = {
    type: 'view_submission',
    team: { id: 'T0001' },
    user: { id: options.userId, username: 'someone', team_id: 'T0001' },
    view: {
      id: options.viewId ?? 'V0SUBMITTED1',
      type: 'modal',
      callback_id: options.callbackId,
      private_metadata: options.privateMetadata ?? '',
      state: { values },
    },
  };
  return signedForm(options.secret, `payload=${encodeURIComponent(JSON.stringify(payload))}`, options.timestamp);
}

function signedForm(secret: string, body: string, timestamp?: number) {
  const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': defaultSign(secret, ts, body),
    },
  };
}

// The test's own HMAC, independent of the broker's implementation.
function defaultSign(secret: string, ts: string, body: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHmac } = require('node:crypto') as typeof import('node:crypto');
  return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
}

/**
 * The console's server on 127.0.0.1: its own files, and the broker's routes forwarded to the broker API through
 * the CLI's client (SigV4 with the user's credentials, or the local runner's identity header). Everything else is
 * refused. Nothing is fetched from anywhere but here.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrokerClient } from '../broker-client';
import { isForwardable } from './broker-routes';
import type { ConsoleAssets } from './console-assets';
import {
  checkCaller,
  checkHost,
  checkSession,
  sameSecret,
  SESSION_COOKIE,
  type GuardSettings,
  type Refusal,
} from './request-guard';
import { SECURITY_HEADERS } from './security-headers';

/** The API's own limit (64 KiB) plus room: the broker answers 413 itself for what lies between. */
const BODY_LIMIT_BYTES = 64 * 1024 + 1024;
const FORWARDED_REQUEST_HEADERS = ['content-type', 'idempotency-key'];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'idempotent-replayed'];

export interface ConsoleServerOptions {
  client: BrokerClient;
  assets: ConsoleAssets;
  port: number;
  /** What the page shows about who it acts as. */
  session: { identity: string | null; signing: 'header' | 'sigv4'; profile: string | null; broker: string };
  version: string;
}

export interface ConsoleServer {
  /** The address to open: with the one-time key when signing with AWS credentials. */
  openUrl: string;
  origin: string;
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

function answerJson(res: ServerResponse, status: number, body: unknown): void {
  answer(res, status, { 'content-type': 'application/json' }, JSON.stringify(body));
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  answerJson(res, status, { error: { code, message } });
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) reject(new RangeError('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(size === 0 ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function forward(req: IncomingMessage, res: ServerResponse, url: URL, client: BrokerClient): Promise<void> {
  let body: string | null;
  try {
    body = await readBody(req);
  } catch {
    return refuse(res, 413, 'PayloadTooLarge', 'the body is over 64 KiB');
  }
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  try {
    const upstream = await client.send(req.method ?? 'GET', `${url.pathname}${url.search}`, {
      headers,
      ...(body !== null ? { body } : {}),
    });
    const passed: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) passed[name] = value;
    }
    answer(res, upstream.status, passed, upstream.text);
  } catch (error) {
    refuse(res, 502, 'BrokerUnreachable', `the console could not reach the broker: ${(error as Error).message}`);
  }
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const signing = options.session.signing === 'sigv4';
  const guard: GuardSettings = { port: 0, sessionToken: signing ? randomBytes(24).toString('base64url') : null };
  /** The key in the printed link: good once, and not the session's cookie (a link seen later opens nothing). */
  let linkKey: string | null = signing ? randomBytes(24).toString('base64url') : null;
  const printedKey = linkKey;
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const hostRefusal = checkHost(req.headers, guard);
    if (hostRefusal) return refuse(res, hostRefusal.status, hostRefusal.code, hostRefusal.message);

    const key = url.searchParams.get('key');
    if (method === 'GET' && url.pathname === '/' && key !== null && guard.sessionToken !== null) {
      // The one-time link: it sets the session cookie (HttpOnly), takes the key out of the address bar, and is spent.
      if (linkKey === null) {
        return refuse(
          res,
          401,
          'ConsoleLinkUsed',
          'this link was opened already; run `lpb console` again for a new one',
        );
      }
      if (!sameSecret(key, linkKey)) return refuse(res, 401, 'ConsoleSessionRequired', 'wrong key');
      linkKey = null;
      const cookie = `${SESSION_COOKIE}=${guard.sessionToken}; HttpOnly; SameSite=Strict; Path=/`;
      return answer(res, 303, { location: '/', 'set-cookie': cookie }, '');
    }
    const asset = method === 'GET' ? options.assets[url.pathname] : undefined;
    if (asset) return answer(res, 200, { 'content-type': asset.contentType }, asset.body);
    if (method === 'GET' && url.pathname === '/console/session') {
      const sessionRefusal = checkSession(req.headers, guard);
      return answerJson(res, 200, { ...options.session, version: options.version, ready: sessionRefusal === null });
    }
    if (!isForwardable(method, url.pathname)) {
      return refuse(res, 404, 'NotFound', `${method} ${url.pathname} is neither a console file nor a broker route`);
    }
    const refusal: Refusal = checkCaller(method, req.headers, guard) ?? checkSession(req.headers, guard);
    if (refusal) return refuse(res, refusal.status, refusal.code, refusal.message);
    void forward(req, res, url, options.client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  guard.port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${guard.port}`;
  return {
    origin,
    openUrl: printedKey ? `${origin}/?key=${printedKey}` : `${origin}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

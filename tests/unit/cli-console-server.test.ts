/** `lpb console`'s server over real 127.0.0.1 sockets: its files, what it forwards to the broker and what it refuses. */
import { request } from 'node:http';
import { BrokerClient } from '../../cli/broker-client';
import { loadConsoleAssets, type ConsoleAssets } from '../../cli/console/console-assets';
import { startConsoleServer, type ConsoleServer } from '../../cli/console/console-server';
import { CONTENT_SECURITY_POLICY } from '../../cli/console/security-headers';
import { ROUTES } from '../../handlers/http/routes';
import { startFakeBroker, type FakeBroker } from '../support/fake-broker';

const AS = 'arn:aws:iam::123456789012:role/platform-approver';
let broker: FakeBroker;
let assets: ConsoleAssets;
let consoleServer: ConsoleServer;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** node:http rather than fetch, so a test can send any Host and Origin. */
function send(origin: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const url = new URL(path, origin);
    const req = request(url, { method, headers: { host: url.host, ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const session = { identity: AS, signing: 'header' as const, profile: null, broker: '' };

beforeAll(async () => {
  broker = await startFakeBroker();
  assets = await loadConsoleAssets();
  consoleServer = await startConsoleServer({
    client: new BrokerClient({ baseUrl: broker.url, as: AS }),
    assets,
    port: 0,
    session: { ...session, broker: broker.url },
    version: '0.0.0-test',
  });
}, 30_000);
afterAll(async () => {
  await consoleServer.close();
  await broker.close();
});
beforeEach(() => {
  broker.calls.length = 0;
  broker.answer(() => ({
    status: 200,
    body: { items: [] },
    headers: { 'idempotent-replayed': 'true', 'x-internal': 'no' },
  }));
});

describe('the console files', () => {
  it('serves the page with a strict Content-Security-Policy and nothing from elsewhere', async () => {
    const page = await send(consoleServer.origin, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|\*/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).toContain('<script src="/assets/console.js" defer></script>');
    for (const [path, asset] of Object.entries(assets)) {
      const served = await send(consoleServer.origin, 'GET', path);
      expect(served.status).toBe(200);
      expect(served.headers['content-type']).toBe(asset.contentType);
      if (!path.endsWith('.svg')) expect(served.text).not.toMatch(/https?:\/\//);
    }
    expect(assets['/']?.body).not.toMatch(/<script>|\sstyle=|\son\w+=/);
  });

  it('says who it acts as', async () => {
    const answer = await send(consoleServer.origin, 'GET', '/console/session');
    expect(JSON.parse(answer.text)).toEqual({ ...session, broker: broker.url, version: '0.0.0-test', ready: true });
  });
});

describe('forwarding', () => {
  it("forwards a broker route with the caller's identity, passing status, body and the API's own headers", async () => {
    const answer = await send(consoleServer.origin, 'GET', '/v1/requests?status=PENDING');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ items: [] });
    expect(answer.headers['idempotent-replayed']).toBe('true');
    expect(answer.headers['x-internal']).toBeUndefined();
    expect(broker.calls[0]).toMatchObject({ method: 'GET', url: '/v1/requests?status=PENDING' });
    expect(broker.calls[0]?.headers['x-broker-principal']).toBe(AS);
  });

  it('forwards a change from its own page, body and all', async () => {
    const answer = await send(
      consoleServer.origin,
      'POST',
      '/v1/requests/r-1/approve',
      { origin: consoleServer.origin, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      '{"statementHash":"abc"}',
    );
    expect(answer.status).toBe(200);
    expect(broker.calls[0]).toMatchObject({
      method: 'POST',
      url: '/v1/requests/r-1/approve',
      body: { statementHash: 'abc' },
    });
  });

  it('forwards every route of the route table but the Slack one, derived from routes.json', async () => {
    for (const route of ROUTES) {
      const path = route.path.replace(/\{\w+\}/g, 'x');
      const answer = await send(consoleServer.origin, route.method, path, { origin: consoleServer.origin });
      expect([route.path, answer.status]).toEqual([route.path, route.auth === 'slack' ? 404 : 200]);
    }
    expect(broker.calls).toHaveLength(ROUTES.filter((r) => r.auth !== 'slack').length);
  });
});

describe('refusals', () => {
  it.each([
    ['GET', '/etc/passwd'],
    ['GET', '/v1/requests/x/y/z'],
    ['DELETE', '/v1/requests/x'],
    ['GET', '/v1/requests/x/unknown'],
    ['POST', '/v1/slack/interactions'],
    ['GET', '/assets/../package.json'],
  ])('refuses %s %s, which is neither a console file nor a broker route', async (method, path) => {
    const answer = await send(consoleServer.origin, method, path, { origin: consoleServer.origin });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'NotFound' } });
    expect(broker.calls).toHaveLength(0);
  });

  it.each([
    ['no Origin', {}],
    ['another Origin', { origin: 'http://evil.example' }],
    ['a cross-site fetch', { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }],
  ])('refuses a change with %s', async (_name, headers: Record<string, string>) => {
    const answer = await send(consoleServer.origin, 'POST', '/v1/requests/r-1/approve', headers, '{}');
    expect(answer.status).toBe(403);
    expect(broker.calls).toHaveLength(0);
  });

  it('refuses another host name (DNS rebinding)', async () => {
    const port = new URL(consoleServer.origin).port;
    const answer = await send(consoleServer.origin, 'GET', '/v1/requests', { host: `evil.example:${port}` });
    expect(answer.status).toBe(403);
    expect((await send(consoleServer.origin, 'GET', '/', { host: `localhost:${port}` })).status).toBe(200);
    expect(broker.calls).toHaveLength(0);
  });
});

describe('signing with AWS credentials', () => {
  let signed: ConsoleServer;
  beforeAll(async () => {
    signed = await startConsoleServer({
      client: new BrokerClient({
        baseUrl: broker.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      }),
      assets,
      port: 0,
      session: { identity: null, signing: 'sigv4', profile: 'dev', broker: broker.url },
      version: '0.0.0-test',
    });
  });
  afterAll(() => signed.close());

  it('forwards only for the browser that opened the one-time link, signed with SigV4', async () => {
    const key = new URL(signed.openUrl).searchParams.get('key') as string;
    expect(key).toMatch(/^[\w-]{32}$/);
    const without = await send(signed.origin, 'GET', '/v1/requests');
    expect(without.status).toBe(401);
    expect(JSON.parse(without.text)).toMatchObject({ error: { code: 'ConsoleSessionRequired' } });
    expect(JSON.parse((await send(signed.origin, 'GET', '/console/session')).text)).toMatchObject({ ready: false });
    expect((await send(signed.origin, 'GET', '/?key=wrong')).status).toBe(401);
    expect(broker.calls).toHaveLength(0);

    const opened = await send(signed.origin, 'GET', `/?key=${key}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/');
    const cookie = (opened.headers['set-cookie'] as string[])[0] as string;
    expect(cookie).toMatch(/^lpb_console=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    const withCookie = await send(signed.origin, 'GET', '/v1/requests', { cookie: cookie.split(';')[0] as string });
    expect(withCookie.status).toBe(200);
    expect(broker.calls[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/execute-api\//,
    );
    expect(broker.calls[0]?.headers['x-broker-principal']).toBeUndefined();
  });

  it('spends the link: opened again (another browser, a copied address), it sets no cookie', async () => {
    const key = new URL(signed.openUrl).searchParams.get('key') as string;
    const again = await send(signed.origin, 'GET', `/?key=${key}`);
    expect(again.status).toBe(401);
    expect(JSON.parse(again.text)).toMatchObject({ error: { code: 'ConsoleLinkUsed' } });
    expect(again.headers['set-cookie']).toBeUndefined();
    // Nor is the key itself the session: as a cookie it opens nothing.
    const asCookie = await send(signed.origin, 'GET', '/v1/requests', { cookie: `lpb_console=${key}` });
    expect(asCookie.status).toBe(401);
  });
});

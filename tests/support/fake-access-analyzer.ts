/**
 * A fake IAM Access Analyzer on 127.0.0.1 that speaks the service's own protocol (restJson1): scripted answers per
 * operation, every request recorded. Its shapes are documented in tests/integration/access-analyzer.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  path: string;
  query: URLSearchParams;
  body: Record<string, any>;
}

export interface Failure {
  status: number;
  type: string;
  message: string;
}

export const VALIDATION = '/policy/validation';
export const PUBLIC_CHECK = '/policy/check-no-public-access';

/** Scripted answers per operation; every request is recorded. */
export class FakeAccessAnalyzer {
  readonly requests: Recorded[] = [];
  /** ValidatePolicy's findings, one array a page: page n+1 is asked for with nextToken `page-<n+1>`. */
  pages: Record<string, any>[][] = [[]];
  publicAnswer: Record<string, any> = { result: 'PASS', message: 'The resource policy does not grant public access' };
  /** An error answer for the next request to that path. */
  readonly failures = new Map<string, Failure>();
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { pathname, searchParams } = new URL(req.url ?? '/', 'http://127.0.0.1');
        const raw = Buffer.concat(chunks).toString('utf8');
        this.requests.push({ path: pathname, query: searchParams, body: JSON.parse(raw || '{}') });
        const [status, payload, headers] = this.answer(req.method ?? '', pathname, searchParams);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.pages = [[]];
    this.publicAnswer = { result: 'PASS', message: 'The resource policy does not grant public access' };
    this.failures.clear();
  }

  sent(path: string): Recorded[] {
    return this.requests.filter((r) => r.path === path);
  }

  private answer(method: string, path: string, query: URLSearchParams): [number, unknown, Record<string, string>] {
    const failure = this.failures.get(path);
    if (failure) {
      this.failures.delete(path);
      const retryAfter: Record<string, string> = failure.status === 429 ? { 'retry-after': '2' } : {};
      return [failure.status, { message: failure.message }, { 'x-amzn-errortype': failure.type, ...retryAfter }];
    }
    if (method === 'POST' && path === VALIDATION) return [200, this.page(query.get('nextToken')), {}];
    if (method === 'POST' && path === PUBLIC_CHECK) return [200, this.publicAnswer, {}];
    return [404, { message: `no route ${method} ${path}` }, { 'x-amzn-errortype': 'UnknownOperationException' }];
  }

  private page(nextToken: string | null): Record<string, any> {
    const n = nextToken === null ? 0 : Number(nextToken.replace('page-', ''));
    const more = n + 1 < this.pages.length;
    return { findings: this.pages[n] ?? [], ...(more ? { nextToken: `page-${n + 1}` } : {}) };
  }
}

/** A fake broker API on a real 127.0.0.1 socket: records each call and answers from a script (for endpoints main lacks). */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export type Script = (call: RecordedCall) => { status: number; body?: unknown; headers?: Record<string, string> };

export interface FakeBroker {
  url: string;
  calls: RecordedCall[];
  answer(script: Script): void;
  close(): Promise<void>;
}

export async function startFakeBroker(): Promise<FakeBroker> {
  const calls: RecordedCall[] = [];
  let script: Script = () => ({ status: 500, body: { error: { code: 'Internal', message: 'no script' } } });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const call = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      calls.push(call);
      const reply = script(call);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    answer: (next) => (script = next),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Issue #15, finding 7 over a real socket: the local HTTP server, in front of the real API handler, refuses a body
 * whose bytes are not UTF-8 with the same 400 naming `(body)` as malformed JSON, and stores nothing.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPERATIONS_BY_FUNCTION } from '../../handlers/http/all-operations';
import { apiHandler } from '../../handlers/http/api-handler';
import { createLocalServer } from '../../local/http-server';
import { ADMIN, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../support/fixtures';
import { inMemoryApp } from '../support/in-memory-app';

const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
const ctx = inMemoryApp();
const server = createLocalServer(apiHandler(operations, () => Promise.resolve(ctx.app)));
let port = 0;

beforeAll(async () => {
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

/** POSTs these exact bytes to /v1/requests as the requester. */
function post(bytes: Buffer): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/requests',
        headers: {
          'content-type': 'application/json',
          'content-length': bytes.length,
          'x-broker-principal': REQUESTER,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

/** A create body whose reason holds these bytes in its middle. */
function bodyWith(bytes: number[]): Buffer {
  const [head, tail] = JSON.stringify({ ...baseAsk, ...PRINCIPAL_CASES[2].ask, reason: 'orders fan-out #' }).split(
    '#',
  ) as [string, string];
  return Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
}

describe('local HTTP server: request bodies must be UTF-8', () => {
  it.each<[string, number[]]>([
    ['a lone continuation byte', [0x80]],
    ['a truncated three-byte sequence', [0xe2, 0x82]],
    ['an encoded surrogate', [0xed, 0xb0, 0x80]],
    ['a byte UTF-8 never uses', [0xfe]],
  ])('finding 7 — invalid UTF-8: %s is a 400 naming (body), and nothing is stored', async (_name, bytes) => {
    const before = ctx.store.requests.size;
    const res = await post(bodyWith(bytes));
    expect(res.status).toBe(400);
    // The runner's own fatal decode: a lossy one would leave U+FFFD, which the handler refuses with another message.
    expect(res.json.error.details).toEqual([{ path: '(body)', message: 'is not valid UTF-8' }]);
    expect(ctx.store.requests.size).toBe(before);
  });

  it('accepts the same body with valid multi-byte characters', async () => {
    const res = await post(bodyWith([...Buffer.from('für \u{1F4E6}')]));
    expect(res.status).toBe(201);
    expect(res.json.reason).toBe('orders fan-out für \u{1F4E6}');
  });
});

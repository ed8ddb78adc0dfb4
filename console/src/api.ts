/** Calls to the broker API through the console's own origin (the console server forwards and signs them). */
import type { ApiAnswer } from '../../cli/api/pinned-approve';
import type { BrokerRequest } from '../../cli/api/broker-request';
import { describeApiError, isSettled } from '../../cli/api/broker-request';

export type { ApiAnswer };

export async function api(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(`/${path.replace(/^\/+/, '')}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    credentials: 'same-origin',
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { error: { code: 'NotJson', message: text.slice(0, 300) } };
  }
  return { status: response.status, body: parsed };
}

/** A failed answer as an Error whose message is the API's own. */
export class ApiError extends Error {
  constructor(readonly answer: ApiAnswer) {
    super(describeApiError(answer.status, answer.body));
  }
}

export async function expectOk<T>(answer: Promise<ApiAnswer>): Promise<T> {
  const settled = await answer;
  if (settled.status >= 400) throw new ApiError(settled);
  return settled.body as T;
}

/** Every page of GET /v1/requests for a status (bounded, so a huge history cannot hang the page). */
export async function listRequests(status: string, maxPages = 10): Promise<BrokerRequest[]> {
  const items: BrokerRequest[] = [];
  let nextToken: string | null | undefined;
  for (let page = 0; page < maxPages; page++) {
    const query = new URLSearchParams({ status, limit: '100', ...(nextToken ? { nextToken } : {}) });
    const body = await expectOk<{ items: BrokerRequest[]; nextToken?: string | null }>(
      api('GET', `v1/requests?${query.toString()}`),
    );
    items.push(...body.items);
    nextToken = body.nextToken;
    if (!nextToken) break;
  }
  return items;
}

export const getRequest = (id: string) => expectOk<BrokerRequest>(api('GET', `v1/requests/${encodeURIComponent(id)}`));

/**
 * Follows a request until it settles (APPROVED becomes ACTIVE or FAILED; a revoke in progress becomes REVOKED),
 * as docs/api.md, Answers, and the work behind them, asks clients to.
 */
export async function settle(
  request: BrokerRequest,
  onChange: (r: BrokerRequest) => void,
  timeoutMs = 30_000,
): Promise<BrokerRequest> {
  const deadline = Date.now() + timeoutMs;
  let current = request;
  while (!isSettled(current) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const next = await getRequest(current.id as string);
    if (next.status !== current.status || next.history.length !== current.history.length) onChange(next);
    current = next;
  }
  return current;
}

/**
 * Who may use the console's forwarding, which signs with the user's own AWS credentials:
 * - only this origin: the Host must be the console's own (a DNS-rebinding page names another host), and a call that
 *   changes something must come with this Origin (a page elsewhere cannot post through the console);
 * - when signing with AWS credentials, only a browser that opened the one-time link `lpb console` printed (a
 *   session cookie), so another user or program on this machine cannot borrow the credentials through the port.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_COOKIE = 'lpb_console';

export interface GuardSettings {
  port: number;
  /** Required cookie value; null when the console needs no session (the local runner's header identity). */
  sessionToken: string | null;
}

export type Refusal = { status: number; code: string; message: string } | null;

const ownHosts = (port: number) => [`127.0.0.1:${port}`, `localhost:${port}`];
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function cookieValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses any request addressed to another host name (DNS rebinding). */
export function checkHost(headers: IncomingHttpHeaders, settings: GuardSettings): Refusal {
  if (ownHosts(settings.port).includes(headers.host ?? '')) return null;
  return { status: 403, code: 'Forbidden', message: 'the console answers only on its own host' };
}

/** Refuses a call to the broker that does not come from the console's own page. */
export function checkCaller(method: string, headers: IncomingHttpHeaders, settings: GuardSettings): Refusal {
  const fetchSite = headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return { status: 403, code: 'Forbidden', message: 'cross-site requests are refused' };
  }
  if (!SAFE_METHODS.has(method) && !ownHosts(settings.port).some((h) => headers.origin === `http://${h}`)) {
    return { status: 403, code: 'Forbidden', message: 'changes are accepted only from the console page itself' };
  }
  return null;
}

/** Refuses a forwarded call without the session cookie when one is required. */
export function checkSession(headers: IncomingHttpHeaders, settings: GuardSettings): Refusal {
  if (settings.sessionToken === null) return null;
  if (sameSecret(cookieValue(headers, SESSION_COOKIE), settings.sessionToken)) return null;
  return {
    status: 401,
    code: 'ConsoleSessionRequired',
    message: 'open the link that `lpb console` printed (it carries a one-time key) to use your AWS credentials here',
  };
}

/** Pagination tokens: an opaque wrapper around the position `<createdAt>#<id>` of the last item returned. */
import { ValidationError } from '../errors';

const POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9-]{1,64}$/;

export function listPosition(r: { createdAt: string; id: string }): string {
  return `${r.createdAt}#${r.id}`;
}

export function encodeListToken(position: string): string {
  return Buffer.from(JSON.stringify({ after: position }), 'utf8').toString('base64url');
}

/** The position inside a token this API issued; `position` says what a position of that list looks like. */
export function decodeListToken(token: string, position: RegExp = POSITION): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && position.test(parsed.after)) return parsed.after;
  } catch {
    // fall through to the validation error
  }
  throw ValidationError.field('nextToken', 'is not a token this API issued');
}

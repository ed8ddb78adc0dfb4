/**
 * `If-Match` / `If-None-Match` on allowlist writes (docs/allowlist-as-code.md, Versions and conditional writes): an
 * entry's version is its entity tag, `"<version>"`. `If-Match: "3"` asks that the entry be at version 3, `If-Match: *`
 * that it exist, `If-None-Match: *` that it not exist. Anything else is a 400 naming the header.
 */
import { ValidationError } from '../../domain/errors';
import type { EntryPrecondition } from '../../domain/model/allowlist-entry';

/** The entity tag of an entry at `version`. */
export const entityTag = (version: number) => `"${version}"`;

const TAG = /^(?:W\/)?"?([1-9]\d{0,9})"?$/;

export function preconditionOf(headers: Readonly<Record<string, string>>): EntryPrecondition {
  const ifMatch = headers['if-match']?.trim();
  const ifNoneMatch = headers['if-none-match']?.trim();
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw ValidationError.field('If-None-Match', 'send either If-Match or If-None-Match, not both');
  }
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch !== '*') throw ValidationError.field('If-None-Match', 'must be * (the entry must not exist)');
    return 'absent';
  }
  if (ifMatch === undefined) return null;
  if (ifMatch === '*') return 'exists';
  const version = TAG.exec(ifMatch)?.[1];
  if (version === undefined) {
    throw ValidationError.field('If-Match', 'must be "<version>" (a version the entry was read at) or *');
  }
  return { version: Number(version) };
}

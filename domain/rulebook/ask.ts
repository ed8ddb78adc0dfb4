/**
 * What an allowlist entry is asked to allow. One shape for every question the rulebook answers: a new request, an
 * extension, and a live request judged again after an allowlist change. A live grant is judged as a fresh ask for the
 * time it still has: its lifetime is what remains, and its extensions count.
 */
import type { GrantRequest, RequestKind } from '../model/request';
import { parseArn } from '../rules/arn';
import { remainingSeconds, timesExtended } from './extension';

export interface Ask {
  /** Unqualified function ARN. */
  functionArn: string;
  kind: RequestKind;
  principal: string | null;
  sourceArn: string | null;
  eventSourceArn: string | null;
  principalOrgId: string | null;
  /** The account that owns the source: sourceAccount, or the account in sourceArn / eventSourceArn. */
  sourceOwner: string | null;
  /** How long the permission would stand from now on. */
  lifetimeSeconds: number;
  /** How many extensions the grant would then have taken. */
  extensions: number;
}

/** The grant part of an ask: what the statement allows, whoever asks and for however long. */
export type GrantAskFields = Omit<Ask, 'lifetimeSeconds' | 'extensions'>;

/** The account that owns a stored request's source (as the safety floor computed it at creation). */
function sourceOwnerOf(r: GrantRequest): string | null {
  if (r.kind === 'eventSourceMapping') return parseArn(r.eventSourceArn)?.account || null;
  return r.sourceAccount ?? (r.sourceArn === null ? null : parseArn(r.sourceArn)?.account || null);
}

export function grantFieldsOf(r: GrantRequest): GrantAskFields {
  return {
    functionArn: r.functionArn,
    kind: r.kind,
    principal: r.principal,
    sourceArn: r.sourceArn,
    eventSourceArn: r.eventSourceArn,
    principalOrgId: r.principalOrgId,
    sourceOwner: sourceOwnerOf(r),
  };
}

/** A new grant for `durationSeconds`. */
export function newAsk(fields: GrantAskFields, durationSeconds: number): Ask {
  return { ...fields, lifetimeSeconds: durationSeconds, extensions: 0 };
}

/** An extension of `grant` by `durationSeconds`, asked at `now`: the grant's remaining time plus the extension's. */
export function extensionAsk(grant: GrantRequest, durationSeconds: number, now: Date): Ask {
  return {
    ...grantFieldsOf(grant),
    lifetimeSeconds: remainingSeconds(grant, now) + durationSeconds,
    extensions: timesExtended(grant) + 1,
  };
}

/** An adopted statement is judged on the grant alone: the admin who adopted it chose its terms, not an entry. */
export function judgedOnGrantAlone(r: GrantRequest): boolean {
  return r.history[0]?.event === 'ADOPTED';
}

/**
 * A live request as a fresh ask at `now`: a grant (started or not) for what it still has, with its extensions; an
 * extension as the ask that made it, against the grant it extends (`extended`, null when that grant is gone); an
 * adopted grant for its grant alone.
 */
export function liveAsk(r: GrantRequest, now: Date, extended: GrantRequest | null): Ask {
  if (judgedOnGrantAlone(r)) return newAsk(grantFieldsOf(r), 0);
  if (r.extends === null) {
    return { ...grantFieldsOf(r), lifetimeSeconds: remainingSeconds(r, now), extensions: timesExtended(r) };
  }
  return extended === null
    ? newAsk(grantFieldsOf(r), r.durationSeconds)
    : extensionAsk(extended, r.durationSeconds, now);
}

/** What a stored request asks for, as the allowlist matcher reads it: to match it again as the allowlist is now. */
import type { GrantRequest } from '../model/request';
import type { MatchSubject } from './allowlist-matcher';
import { parseArn } from './arn';

/** The account that owns the source: sourceAccount, or the account in sourceArn / eventSourceArn (as at creation). */
function sourceOwnerOf(r: GrantRequest): string | null {
  if (r.kind === 'eventSourceMapping') return parseArn(r.eventSourceArn)?.account || null;
  return r.sourceAccount ?? (r.sourceArn === null ? null : parseArn(r.sourceArn)?.account || null);
}

export function matchSubjectOf(
  r: GrantRequest,
  overrides: Partial<Pick<MatchSubject, 'requester' | 'durationSeconds'>> = {},
): MatchSubject {
  return {
    functionArn: r.functionArn,
    requester: r.requester,
    kind: r.kind,
    principal: r.principal,
    sourceArn: r.sourceArn,
    eventSourceArn: r.eventSourceArn,
    principalOrgId: r.principalOrgId,
    sourceOwner: sourceOwnerOf(r),
    durationSeconds: r.durationSeconds,
    ...overrides,
  };
}

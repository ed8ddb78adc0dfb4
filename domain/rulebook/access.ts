/**
 * Who may see, decide on and administer requests: pure decisions, self-approval refused first. Identities are
 * compared by person (identity.ts) and matched by pattern (principal-patterns.ts), never by string equality of ARNs.
 */
import { NotAdminError, NotAnApproverError, NotAuditorError, NotFoundError, SelfDecisionError } from '../errors';
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { GrantRequest } from '../model/request';
import { approverPatternsOf } from './approval-steps';
import type { Identity } from './identity';
import { namedByAny } from './principal-patterns';

export function isAdmin(admins: readonly string[], who: Identity): boolean {
  return namedByAny(admins, who);
}

/** Throws NotAdminError unless `who` is a broker admin; `what` completes "only broker admins may …". */
export function requireAdmin(admins: readonly string[], who: Identity, what: string): void {
  if (!isAdmin(admins, who)) throw new NotAdminError(what);
}

/** Who may read the audit trail across requests (docs/audit.md, Reading the trail): admins and BROKER_AUDITORS. */
export function requireAuditReader(admins: readonly string[], auditors: readonly string[], who: Identity): void {
  if (!isAdmin(admins, who) && !namedByAny(auditors, who)) throw new NotAuditorError();
}

/**
 * A trail filter (docs/audit.md, Reading the trail): the request was asked for by `requester`, named by its acting ARN
 * or by its person key (case-insensitive, as persons are compared).
 */
export function wasRequestedBy(record: { requester: string; requesterPerson: string }, requester: string): boolean {
  return record.requester === requester || record.requesterPerson.toLowerCase() === requester.toLowerCase();
}

/** The same person (or role) as the admin who proposed an allowlist change: they never approve or reject it. */
export function isProposerOf(change: { proposedByPerson: string }, who: Identity): boolean {
  return change.proposedByPerson === who.person;
}

/**
 * Approvers come from the entry as it is now, in any of its approval steps, by pattern or by identity-store group:
 * removing someone from an entry (or a group) takes effect at once (within the group cache's bound).
 */
export function isEligibleApprover(entry: AllowlistEntry | null, who: Identity): boolean {
  return entry !== null && namedByAny(approverPatternsOf(entry), who);
}

/** The same person (or role) as the one who asked. */
export function isRequesterOf(request: Pick<GrantRequest, 'requesterPerson'>, who: Identity): boolean {
  return request.requesterPerson === who.person;
}

/** Throws unless `who` may decide on `request`: the requester never (SelfDecisionError), then eligible approvers only. */
export function checkMayDecide(request: GrantRequest, entry: AllowlistEntry | null, who: Identity): void {
  if (isRequesterOf(request, who)) throw new SelfDecisionError();
  if (!isEligibleApprover(entry, who)) throw new NotAnApproverError(who.arn);
}

export function canView(
  request: GrantRequest,
  entry: AllowlistEntry | null,
  who: Identity,
  admins: readonly string[],
): boolean {
  return isRequesterOf(request, who) || isAdmin(admins, who) || isEligibleApprover(entry, who);
}

/**
 * Throws NotFoundError unless `who` may see `request`: an action on a request the caller may not see answers exactly
 * as for an id that does not exist, so ids cannot be probed.
 */
export function checkMaySee(
  request: GrantRequest,
  entry: AllowlistEntry | null,
  who: Identity,
  admins: readonly string[],
): void {
  if (!canView(request, entry, who, admins)) throw new NotFoundError(`request ${request.id} not found`);
}

/** Who may see, decide on and administer requests. Pure decisions with reasons; self-approval is denied first. */
import { NotAdminError, NotAnApproverError, NotFoundError, SelfDecisionError } from '../errors';
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { GrantRequest } from '../model/request';
import type { BrokerSettings } from '../settings';
import { principalMatches, sameIdentity } from './identities';

export function isAdmin(settings: BrokerSettings, principal: string): boolean {
  return principalMatches(settings.admins, principal);
}

/** Throws NotAdminError unless `principal` is a broker admin; `what` completes "only broker admins may …". */
export function requireAdmin(settings: BrokerSettings, principal: string, what: string): void {
  if (!isAdmin(settings, principal)) throw new NotAdminError(what);
}

/** Approvers come from the entry as it is now: removing someone from an entry takes effect at once. */
export function isEligibleApprover(entry: AllowlistEntry | null, principal: string): boolean {
  return entry !== null && principalMatches(entry.approvers, principal);
}

/**
 * Throws unless `principal` may decide on `request`: self-approval is refused first (SelfDecisionError), also for a
 * Slack user linked to the requester, or another session of a requester that is a role; then anyone not an eligible
 * approver (NotAnApproverError).
 */
export function checkMayDecide(
  request: GrantRequest,
  entry: AllowlistEntry | null,
  principal: string,
  identityLinks: Readonly<Record<string, string>> = {},
): void {
  if (sameIdentity(request.requester, principal, identityLinks)) throw new SelfDecisionError();
  if (!isEligibleApprover(entry, principal)) throw new NotAnApproverError(principal);
}

export function canView(
  request: GrantRequest,
  entry: AllowlistEntry | null,
  principal: string,
  settings: BrokerSettings,
): boolean {
  return request.requester === principal || isAdmin(settings, principal) || isEligibleApprover(entry, principal);
}

/**
 * Throws NotFoundError unless `principal` may see `request`: an action on a request the caller may not see answers
 * exactly as for an id that does not exist, so ids cannot be probed (issue #15, finding 6).
 */
export function checkMaySee(
  request: GrantRequest,
  entry: AllowlistEntry | null,
  principal: string,
  settings: BrokerSettings,
): void {
  if (!canView(request, entry, principal, settings)) throw new NotFoundError(`request ${request.id} not found`);
}

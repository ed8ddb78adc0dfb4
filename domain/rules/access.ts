/** Who may see, decide on and administer requests. Pure decisions with reasons; self-approval is denied first. */
import { NotAdminError, NotAnApproverError, SelfDecisionError } from '../errors';
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { GrantRequest } from '../model/request';
import type { BrokerSettings } from '../settings';
import { matchesAny } from './pattern';

export function isAdmin(settings: BrokerSettings, principal: string): boolean {
  return settings.admins.includes(principal);
}

/** Throws NotAdminError unless `principal` is a broker admin; `what` completes "only broker admins may …". */
export function requireAdmin(settings: BrokerSettings, principal: string, what: string): void {
  if (!isAdmin(settings, principal)) throw new NotAdminError(what);
}

/** Approvers come from the entry as it is now: removing someone from an entry takes effect at once. */
export function isEligibleApprover(entry: AllowlistEntry | null, principal: string): boolean {
  return entry !== null && matchesAny(entry.approvers, principal);
}

/**
 * Throws unless `principal` may decide on `request`: self-approval is refused first (SelfDecisionError), also for a
 * Slack user linked to the requester's IAM principal; then anyone not an eligible approver (NotAnApproverError).
 */
export function checkMayDecide(
  request: GrantRequest,
  entry: AllowlistEntry | null,
  principal: string,
  identityLinks: Readonly<Record<string, string>> = {},
): void {
  if (request.requester === principal || identityLinks[principal] === request.requester) {
    throw new SelfDecisionError();
  }
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

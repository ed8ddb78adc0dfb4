/** Who may see, decide on and administer requests. Pure decisions with reasons; self-approval is denied first. */
import { ForbiddenError } from '../errors';
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { GrantRequest } from '../model/request';
import type { BrokerSettings } from '../settings';
import { matchesAny } from './pattern';

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

export function isAdmin(settings: BrokerSettings, principal: string): boolean {
  return settings.admins.includes(principal);
}

/** Throws ForbiddenError unless `principal` is a broker admin; `what` completes "only broker admins may …". */
export function requireAdmin(settings: BrokerSettings, principal: string, what: string): void {
  if (!isAdmin(settings, principal)) throw new ForbiddenError(`only broker admins may ${what}`);
}

/** Approvers come from the entry as it is now: removing someone from an entry takes effect at once. */
export function isEligibleApprover(entry: AllowlistEntry | null, principal: string): boolean {
  return entry !== null && matchesAny(entry.approvers, principal);
}

/** Self-approval is denied first, also for a Slack user linked to the requester's IAM principal. */
export function canDecide(
  request: GrantRequest,
  entry: AllowlistEntry | null,
  principal: string,
  identityLinks: Readonly<Record<string, string>> = {},
): AccessDecision {
  if (request.requester === principal || identityLinks[principal] === request.requester) {
    return { allowed: false, reason: 'requesters cannot decide on their own request' };
  }
  if (!isEligibleApprover(entry, principal)) {
    return { allowed: false, reason: `${principal} is not an eligible approver for this request` };
  }
  return { allowed: true };
}

export function canView(
  request: GrantRequest,
  entry: AllowlistEntry | null,
  principal: string,
  settings: BrokerSettings,
): boolean {
  return request.requester === principal || isAdmin(settings, principal) || isEligibleApprover(entry, principal);
}

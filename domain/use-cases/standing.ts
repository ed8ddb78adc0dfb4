/**
 * Where a caller stands with one request: the request's allowlist entry as it is now, and the caller resolved against
 * the patterns that decide about it (BROKER_ADMINS, the entry's requesters and approvers). Every use case that acts
 * on an existing request starts here, then asks the rulebook (rulebook/access.ts) what this caller may do.
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { GrantRequest } from '../model/request';
import type { AllowlistStore } from '../ports';
import { checkMaySee } from '../rulebook/access';
import type { Identity } from '../rulebook/identity';
import { identityPatternsOf, type ResolveIdentity } from '../rulebook/resolve-identity';
import type { BrokerSettings } from '../settings';

export interface Standing {
  entry: AllowlistEntry | null;
  /** The caller, its role path read when a pattern in play names one. */
  who: Identity;
  /** The patterns in play, to resolve other identities of the request the same way. */
  patterns: readonly string[];
}

export interface StandingDeps {
  allowlist: AllowlistStore;
  settings: BrokerSettings;
  resolveIdentity: ResolveIdentity;
}

export function makeStanding({ allowlist, settings, resolveIdentity }: StandingDeps) {
  async function standing(request: GrantRequest, caller: Identity): Promise<Standing> {
    const entry = await allowlist.get(request.allowlistEntryId);
    const patterns = identityPatternsOf([entry], settings.admins);
    return { entry, who: await resolveIdentity(caller, patterns), patterns };
  }

  /** Throws NotFoundError unless the caller may see the request (as for an id that does not exist). */
  async function seeing(request: GrantRequest, caller: Identity): Promise<Standing> {
    const found = await standing(request, caller);
    checkMaySee(request, found.entry, found.who, settings.admins);
    return found;
  }

  return { standing, seeing };
}

export type StandingOf = ReturnType<typeof makeStanding>;

/** The gate of every admin operation: the caller resolved against BROKER_ADMINS, anyone else refused. */
import type { Identity } from '../rulebook/identity';
import { requireAdmin as refuseUnlessAdmin } from '../rulebook/access';
import type { ResolveIdentity } from '../rulebook/resolve-identity';
import type { BrokerSettings } from '../settings';

export function makeRequireAdmin({
  settings,
  resolveIdentity,
}: {
  settings: BrokerSettings;
  resolveIdentity: ResolveIdentity;
}) {
  /** The admin, resolved; NotAdminError ("only broker admins may `what`") for anyone else. */
  return async function requireAdmin(caller: Identity, what: string): Promise<Identity> {
    const who = await resolveIdentity(caller, settings.admins);
    refuseUnlessAdmin(settings.admins, who, what);
    return who;
  };
}

export type RequireAdmin = ReturnType<typeof makeRequireAdmin>;

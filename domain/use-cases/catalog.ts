/**
 * What may I ask for? (docs/adoption.md, What may I ask for?)
 * Input: the caller. Output: one item per allowlist entry that lists the caller as a requester, by the same rule a
 * create applies (rulebook/entry-fit.ts: listsRequester), in the order entries are tried (ascending id), with what the
 * entry allows, how long and who approves. Entries that do not list the caller are left out entirely, not even
 * counted: the catalog tells nobody what others may do.
 */
import { DEFAULT_MAX_START_DELAY_SECONDS, type AllowlistEntry } from '../model/allowlist-entry';
import type { AllowlistStore } from '../ports';
import { byId } from '../rulebook/choose-entry';
import { listsRequester } from '../rulebook/entry-fit';
import type { Identity } from '../rulebook/identity';
import { requesterPatternsOf, type ResolveIdentity } from '../rulebook/resolve-identity';

export type CatalogItem = Pick<
  AllowlistEntry,
  | 'description'
  | 'functions'
  | 'principals'
  | 'sourceArns'
  | 'eventSourceArns'
  | 'principalOrgIds'
  | 'sourceAccounts'
  | 'maxDurationSeconds'
  | 'requiredApprovals'
  | 'autoApprove'
  | 'approvers'
> &
  Required<Pick<AllowlistEntry, 'approverGroups' | 'approvalSteps' | 'maxStartDelaySeconds'>> & { entryId: string };

function catalogItem(entry: AllowlistEntry): CatalogItem {
  return {
    entryId: entry.id,
    description: entry.description,
    functions: entry.functions,
    principals: entry.principals,
    sourceArns: entry.sourceArns,
    eventSourceArns: entry.eventSourceArns,
    principalOrgIds: entry.principalOrgIds,
    sourceAccounts: entry.sourceAccounts,
    maxDurationSeconds: entry.maxDurationSeconds,
    requiredApprovals: entry.requiredApprovals,
    autoApprove: entry.autoApprove,
    approvers: entry.approvers,
    approverGroups: entry.approverGroups ?? [],
    approvalSteps: entry.approvalSteps ?? [],
    maxStartDelaySeconds: entry.maxStartDelaySeconds ?? DEFAULT_MAX_START_DELAY_SECONDS,
  };
}

/** The entries that list `requester` (resolved), in the order a create tries them. */
export function catalogEntries(entries: readonly AllowlistEntry[], requester: Identity): AllowlistEntry[] {
  return entries.filter((entry) => listsRequester(entry, requester)).sort(byId);
}

export function makeCatalog(deps: { allowlist: AllowlistStore; resolveIdentity: ResolveIdentity }) {
  return async function catalog(caller: Identity): Promise<CatalogItem[]> {
    const entries = await deps.allowlist.list();
    const requester = await deps.resolveIdentity(caller, requesterPatternsOf(entries));
    return catalogEntries(entries, requester).map(catalogItem);
  };
}

export type Catalog = ReturnType<typeof makeCatalog>;

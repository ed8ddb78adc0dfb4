/**
 * What may I ask for? (API §11.10)
 * Input: the caller. Output: one item per allowlist entry whose `requesters` match the caller, in the order entries
 * are tried (ascending id), with what the entry allows, how long and who approves. Entries that do not list the
 * caller are left out entirely, not even counted: the catalog tells nobody what others may do.
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { AllowlistStore } from '../ports';
import { matchesAny } from '../rules/pattern';

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
> & { entryId: string };

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
  };
}

export function makeCatalog({ allowlist }: { allowlist: AllowlistStore }) {
  return async function catalog(caller: string): Promise<CatalogItem[]> {
    return (await allowlist.list())
      .filter((entry) => matchesAny(entry.requesters, caller))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(catalogItem);
  };
}

export type Catalog = ReturnType<typeof makeCatalog>;

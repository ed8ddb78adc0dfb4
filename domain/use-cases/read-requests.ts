/**
 * Read requests: one by id, or a page of those the caller may see (its own, those it may approve; admins all).
 * A request the caller may not see is reported as not found, so ids cannot be probed.
 */
import { NotFoundError } from '../errors';
import { REQUEST_STATUSES, type GrantRequest, type RequestStatus } from '../model/request';
import type { AllowlistStore, ListSource, RequestStore } from '../ports';
import { decodeListToken, encodeListToken } from '../rules/list-cursor';
import { canView, isAdmin, isEligibleApprover } from '../rules/access';
import type { BrokerSettings } from '../settings';

export interface ReadRequestsDeps {
  store: RequestStore;
  allowlist: AllowlistStore;
  settings: BrokerSettings;
}

export interface ListRequestsCommand {
  caller: string;
  status: RequestStatus | null;
  functionName: string | null;
  limit: number;
  nextToken: string | null;
}

export function makeGetRequest({ store, allowlist, settings }: ReadRequestsDeps) {
  return async function getRequest(caller: string, id: string): Promise<GrantRequest> {
    const request = await store.get(id);
    if (request && (request.requester === caller || isAdmin(settings, caller))) return request;
    // Only an approver's visibility depends on the entry: read it only then.
    const entry = request ? await allowlist.get(request.allowlistEntryId) : null;
    if (!request || !canView(request, entry, caller, settings)) throw new NotFoundError(`request ${id} not found`);
    return request;
  };
}

export function makeListRequests({ store, allowlist, settings }: ReadRequestsDeps) {
  return async function listRequests(
    command: ListRequestsCommand,
  ): Promise<{ items: GrantRequest[]; nextToken: string | null }> {
    let sources: ListSource[];
    if (isAdmin(settings, command.caller)) {
      const statuses = command.status ? [command.status] : REQUEST_STATUSES;
      sources = statuses.map((value) => ({ kind: 'status', value }));
    } else {
      const approverOf = (await allowlist.list()).filter((e) => isEligibleApprover(e, command.caller));
      sources = [
        { kind: 'requester', value: command.caller },
        ...approverOf.map((e): ListSource => ({ kind: 'entry', value: e.id })),
      ];
    }
    const page = await store.list({
      sources,
      status: command.status,
      functionName: command.functionName,
      limit: command.limit,
      after: command.nextToken === null ? null : decodeListToken(command.nextToken),
    });
    return { items: page.items, nextToken: page.next === null ? null : encodeListToken(page.next) };
  };
}

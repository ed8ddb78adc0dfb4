/**
 * Read requests: one by id, or a page of those the caller may see (its own, those it may approve; admins all).
 * A request the caller may not see is reported as not found, so ids cannot be probed.
 */
import { NotFoundError } from '../errors';
import { REQUEST_STATUSES, type GrantRequest, type RequestStatus } from '../model/request';
import type { PolicyPreview } from '../model/policy-preview';
import type { AllowlistStore, Clock, ListSource, RequestStore } from '../ports';
import { OVERDUE_AFTER_MS } from '../rules/due-work';
import { isAdmin, isEligibleApprover, isRequesterOf } from '../rulebook/access';
import { judgedOnGrantAlone } from '../rulebook/ask';
import type { Identity } from '../rulebook/identity';
import { identityPatternsOf, type ResolveIdentity } from '../rulebook/resolve-identity';
import { decodeListToken, encodeListToken } from '../rules/list-cursor';
import type { BrokerSettings } from '../settings';
import type { RequireAdmin } from './require-admin';
import type { StandingOf } from './standing';

export interface ReadRequestsDeps {
  store: RequestStore;
  allowlist: AllowlistStore;
  settings: BrokerSettings;
  resolveIdentity: ResolveIdentity;
  requireAdmin: RequireAdmin;
  clock: Clock;
}

export interface ListRequestsCommand {
  caller: Identity;
  status: RequestStatus | null;
  functionName: string | null;
  limit: number;
  nextToken: string | null;
  /** Only ACTIVE grants more than 60 s past their end (or revoke), oldest first; admins only. */
  overdue?: boolean;
  /** Only the caller's own requests (its person's), whoever it may also approve or administer ("my grants"). */
  mine?: boolean;
}

/** How old a waiting request's policy preview may be before a read refreshes it (docs/policy-preview.md). */
export const PREVIEW_FRESH_MS = 60_000;

interface GetRequestDeps {
  store: RequestStore;
  standing: StandingOf;
  /** The policy as it will be, read now. */
  preview: (request: GrantRequest) => Promise<PolicyPreview>;
  clock: Clock;
}

/** Requests that add a statement of their own, before it is applied: what their approvers judge. */
const previewed = (r: GrantRequest) =>
  (r.status === 'PENDING' || r.status === 'APPROVED') && r.extends === null && !judgedOnGrantAlone(r);

export function makeGetRequest({ store, standing, preview, clock }: GetRequestDeps) {
  /**
   * Previews read for a detail, kept here for PREVIEW_FRESH_MS: a client polling a request costs the account's
   * GetPolicy budget one read a minute per process, not one per poll.
   */
  const refreshed = new Map<string, PolicyPreview>();
  const fresh = (p: PolicyPreview | null | undefined) =>
    p != null && clock.now().getTime() - Date.parse(p.readAt) <= PREVIEW_FRESH_MS;

  /** Until the grant is applied, its preview is what approvers judge: kept no older than PREVIEW_FRESH_MS. */
  async function withFreshPreview(request: GrantRequest): Promise<GrantRequest> {
    if (!previewed(request) || fresh(request.policyPreview)) return request;
    let latest = refreshed.get(request.id);
    if (!fresh(latest)) {
      // One that cannot be read now is shown as it was, with its age in readAt.
      latest = (await preview(request).catch(() => null)) ?? latest;
      for (const [id, p] of refreshed) if (!fresh(p)) refreshed.delete(id);
      if (latest) refreshed.set(request.id, latest);
    }
    return { ...request, policyPreview: latest ?? request.policyPreview };
  }

  return async function getRequest(caller: Identity, id: string): Promise<GrantRequest> {
    const request = await store.get(id);
    if (!request) throw new NotFoundError(`request ${id} not found`);
    // Only an admin's or an approver's view depends on patterns and the entry.
    if (!isRequesterOf(request, caller)) await standing.seeing(request, caller);
    return withFreshPreview(request);
  };
}

export function makeListRequests(deps: ReadRequestsDeps) {
  const { store, allowlist, settings, resolveIdentity, requireAdmin, clock } = deps;

  /** The overdue grants (docs/runbook.md: a removal AWS refuses), oldest due first. */
  async function overdue(command: ListRequestsCommand) {
    await requireAdmin(command.caller, 'list overdue removals');
    const cutoff = new Date(clock.now().getTime() - OVERDUE_AFTER_MS).toISOString();
    const page = await store.dueActive(
      cutoff,
      command.limit,
      command.nextToken === null ? null : decodeListToken(command.nextToken),
    );
    const items = command.status === null ? page.items : page.items.filter((r) => r.status === command.status);
    return { items, nextToken: page.next === null ? null : encodeListToken(page.next) };
  }

  return async function listRequests(
    command: ListRequestsCommand,
  ): Promise<{ items: GrantRequest[]; nextToken: string | null }> {
    if (command.overdue) return overdue(command);
    let sources: ListSource[];
    if (command.mine) {
      sources = [{ kind: 'requester', value: command.caller.person }];
    } else if (isAdmin(settings.admins, await resolveIdentity(command.caller, settings.admins))) {
      const statuses = command.status ? [command.status] : REQUEST_STATUSES;
      sources = statuses.map((value) => ({ kind: 'status', value }));
    } else {
      const entries = await allowlist.list();
      const caller = await resolveIdentity(command.caller, identityPatternsOf(entries));
      sources = [
        { kind: 'requester', value: caller.person },
        ...entries
          .filter((e) => isEligibleApprover(e, caller))
          .map((e): ListSource => ({ kind: 'entry', value: e.id })),
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

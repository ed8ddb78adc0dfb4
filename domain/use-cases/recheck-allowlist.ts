/**
 * Allowlist changes reach live grants (docs/api.md, One rulebook). After a put or delete of an
 * entry, each PENDING, APPROVED and ACTIVE request of that entry is judged again as a fresh ask for what it still has,
 * against the allowlist as it is now (rulebook/live-grant.ts decides):
 * - kept, or moved to the entry that permits it now (allowlistEntryId changes, history REMATCHED);
 * - permitted by none: PENDING ends REJECTED; APPROVED and ACTIVE get the revoke marker (actor `allowlist`), so the
 *   queued work removes the permission through the settle path as fast as an expiry and records REVOKED. An approved
 *   extension owns no permission: it ends REVOKED at once.
 * recheck: one page per run (a work item), resumable where it stopped, so an entry with thousands of grants never
 * makes one long loop. preview: the same decisions for a change not made (admins), changing nothing.
 */
import { NotFoundError } from '../errors';
import type { AllowlistEntry, AllowlistEntryInput } from '../model/allowlist-entry';
import type { GrantRequest } from '../model/request';
import type { AllowlistStore, Clock, RequestStore } from '../ports';
import { judgedOnGrantAlone, liveAsk } from '../rulebook/ask';
import { identityOf, type Identity } from '../rulebook/identity';
import { ALLOWLIST_ACTOR, isLive, judgeLive, type LiveOutcome } from '../rulebook/live-grant';
import { requesterPatternsOf, type ResolveIdentity } from '../rulebook/resolve-identity';
import type { BrokerSettings } from '../settings';
import { move, note } from '../state-machine';
import { checkEntryInput } from './manage-allowlist';
import type { RequireAdmin } from './require-admin';
import { updateWithRetry } from './retry-on-stale';

/** What a change does (or would do) to the entry's live requests. */
export interface ImpactReport {
  kept: string[];
  rematched: { id: string; entryId: string }[];
  ended: { id: string; status: 'REJECTED' | 'REVOKED'; reason: string }[];
}

/** Requests of the entry read per run (and per page of a preview). */
export const RECHECK_PAGE = 100;

export interface RecheckDeps {
  store: RequestStore;
  allowlist: AllowlistStore;
  clock: Clock;
  settings: BrokerSettings;
  resolveIdentity: ResolveIdentity;
  requireAdmin: RequireAdmin;
}

function emptyReport(): ImpactReport {
  return { kept: [], rematched: [], ended: [] };
}

function tally(report: ImpactReport, id: string, outcome: LiveOutcome): void {
  if (outcome.kind === 'kept') report.kept.push(id);
  else if (outcome.kind === 'rematched') report.rematched.push({ id, entryId: outcome.entryId });
  else report.ended.push({ id, status: outcome.status, reason: outcome.reason });
}

/** The request after the outcome, with its history event; the very same request when nothing changes. */
function applyOutcome(r: GrantRequest, outcome: LiveOutcome, at: Date): GrantRequest {
  if (outcome.kind === 'kept') return r;
  const actor = ALLOWLIST_ACTOR;
  if (outcome.kind === 'rematched') {
    const detail = { from: r.allowlistEntryId, to: outcome.entryId };
    return note(r, 'REMATCHED', { at, actor, detail, patch: { allowlistEntryId: outcome.entryId } });
  }
  const { reason } = outcome;
  // Nothing applied yet (waiting, scheduled, or an extension's time): it ends at once.
  if (r.status === 'PENDING' || r.status === 'SCHEDULED' || r.extends !== null) {
    return move(r, outcome.status, { at, actor, detail: { reason } });
  }
  return note(r, 'REVOKE_REQUESTED', {
    at,
    actor,
    detail: { reason },
    patch: { ending: { as: 'REVOKED', requestedAt: at.toISOString(), actor, reason } },
  });
}

export function makeAllowlistRecheck({
  store,
  allowlist,
  clock,
  settings,
  resolveIdentity,
  requireAdmin,
}: RecheckDeps) {
  /** One live request judged against `entries` now: the one judgement of both the re-check and its preview. */
  async function judge(r: GrantRequest, entries: readonly AllowlistEntry[]): Promise<LiveOutcome> {
    const extended = r.extends === null ? null : await store.get(r.extends);
    const requester: Identity | null = judgedOnGrantAlone(r)
      ? null
      : await resolveIdentity(identityOf(r.requester, settings), requesterPatternsOf(entries));
    return judgeLive(r, entries, liveAsk(r, clock.now(), extended), requester);
  }

  /** Decides one request as it is stored now, and records the outcome; null when it is no longer the entry's. */
  async function recheckOne(id: string, entryId: string, entries: readonly AllowlistEntry[]) {
    let outcome: LiveOutcome | null = null;
    await updateWithRetry(store, id, async (current) => {
      outcome = current.allowlistEntryId === entryId && isLive(current) ? await judge(current, entries) : null;
      return outcome ? applyOutcome(current, outcome, clock.now()) : current;
    });
    return outcome as LiveOutcome | null;
  }

  /**
   * One run of the re-check of `entryId`'s live requests; `next` is where the following run resumes (null: done, and
   * the entry's re-check marker goes unless it changed after `startedAt`, when the re-check's first run began).
   */
  async function recheck(
    entryId: string,
    after: string | null,
    startedAt: Date,
  ): Promise<{ report: ImpactReport; next: string | null }> {
    const entries = await allowlist.list();
    const page = await store.liveByEntry(entryId, RECHECK_PAGE, after);
    const report = emptyReport();
    for (const request of page.items) {
      const outcome = await recheckOne(request.id, entryId, entries);
      if (outcome) tally(report, request.id, outcome);
    }
    if (page.next === null) await allowlist.recheckDone(entryId, startedAt);
    return { report, next: page.next };
  }

  /** What putting `change` (or, when null, deleting the entry) would do; admins only; changes nothing. */
  async function preview(caller: Identity, entryId: string, change: AllowlistEntryInput | null): Promise<ImpactReport> {
    const admin = await requireAdmin(caller, 'preview allowlist changes');
    const current = await allowlist.list();
    const others = current.filter((e) => e.id !== entryId);
    let entries: AllowlistEntry[];
    if (change === null) {
      if (others.length === current.length) throw new NotFoundError(`allowlist entry ${entryId} not found`);
      entries = others;
    } else {
      checkEntryInput(change, settings);
      const version = (current.find((e) => e.id === entryId)?.version ?? 0) + 1;
      entries = [
        ...others,
        { id: entryId, ...change, version, updatedAt: clock.now().toISOString(), updatedBy: admin.arn },
      ];
    }
    const report = emptyReport();
    let after: string | null = null;
    do {
      const page = await store.liveByEntry(entryId, RECHECK_PAGE, after);
      for (const request of page.items.filter(isLive)) {
        tally(report, request.id, await judge(request, entries));
      }
      after = page.next;
    } while (after !== null);
    return report;
  }

  return { recheck, preview };
}

export type AllowlistRecheck = ReturnType<typeof makeAllowlistRecheck>;

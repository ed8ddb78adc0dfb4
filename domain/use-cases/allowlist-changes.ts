/**
 * The two-person rule for the allowlist (docs/allowlist-as-code.md, The two-person rule): with
 * BROKER_ALLOWLIST_CHANGE_APPROVALS=1 an admin's put or delete becomes a proposal that changes nothing; another admin
 * approves it (it is applied against the version it was proposed on, 409 if the entry changed since) or rejects it.
 * The proposer never counts.
 */
import { ChangeAlreadyDecidedError, EntryChangedSinceProposalError, NotFoundError, SelfDecisionError } from '../errors';
import type { AllowlistChange } from '../model/allowlist-change';
import type { AllowlistEntry, AllowlistEntryInput, EntryPrecondition } from '../model/allowlist-entry';
import type { AllowlistChangeStore, AllowlistStore, Clock, GroupDirectory, IdGenerator } from '../ports';
import { isProposerOf } from '../rulebook/access';
import type { Identity } from '../rulebook/identity';
import { fieldDiffs } from '../rules/entry-diff';
import type { BrokerSettings } from '../settings';
import { checkEntryInput, checkGroupsExist, checkPrecondition } from './manage-allowlist';
import type { ImpactReport } from './recheck-allowlist';
import type { RequireAdmin } from './require-admin';

export interface AllowlistChangesDeps {
  changes: AllowlistChangeStore;
  allowlist: AllowlistStore;
  clock: Clock;
  ids: IdGenerator;
  settings: BrokerSettings;
  requireAdmin: RequireAdmin;
  /** The identity store, when one is configured: a proposal's approverGroups must name its groups. */
  groups: GroupDirectory | null;
  /** What the change would do to live grants (the impact preview). */
  preview: (caller: Identity, entryId: string, change: AllowlistEntryInput | null) => Promise<ImpactReport>;
}

const bodyOf = ({ id: _id, version: _v, updatedAt: _at, updatedBy: _by, ...body }: AllowlistEntry) => body;

/** Makes a proposal: checked as a write would be (input, preconditions), stored PENDING, nothing else changed. */
function makePropose(deps: AllowlistChangesDeps) {
  const { changes, allowlist, clock, settings } = deps;
  return async function propose(
    caller: Identity,
    entryId: string,
    body: AllowlistEntryInput | null,
    precondition: EntryPrecondition,
  ): Promise<AllowlistChange> {
    const admin = await deps.requireAdmin(caller, 'manage the allowlist');
    if (body) {
      checkEntryInput(body, settings);
      await checkGroupsExist(body, deps.groups);
    }
    const current = await allowlist.get(entryId);
    checkPrecondition(entryId, current, precondition);
    if (!body && !current) throw new NotFoundError(`allowlist entry ${entryId} not found`);
    const change: AllowlistChange = {
      id: deps.ids.requestId(),
      entryId,
      action: body ? 'put' : 'delete',
      body,
      proposedBy: admin.arn,
      proposedByPerson: admin.person,
      proposedAt: clock.now().toISOString(),
      baseVersion: current?.version ?? null,
      status: 'PENDING',
      diff: body ? fieldDiffs(current ? bodyOf(current) : {}, body) : [],
      impact: await deps.preview(caller, entryId, body),
      decidedBy: null,
      decidedAt: null,
      comment: null,
    };
    await changes.create(change);
    return change;
  };
}

/** Approve (apply, then record) or reject a PENDING proposal, by another admin than its proposer. */
function makeDecide(deps: AllowlistChangesDeps) {
  const { changes, allowlist, clock } = deps;

  async function decidable(caller: Identity, id: string, verb: string) {
    const admin = await deps.requireAdmin(caller, `${verb} allowlist changes`);
    const change = await changes.get(id);
    if (!change) throw new NotFoundError(`allowlist change ${id} not found`);
    if (change.status !== 'PENDING') throw new ChangeAlreadyDecidedError(id, change.status);
    if (isProposerOf(change, admin)) throw new SelfDecisionError();
    return { admin, change };
  }

  const decision = (
    change: AllowlistChange,
    admin: Identity,
    status: 'APPROVED' | 'REJECTED',
    comment: string | null,
  ): AllowlistChange => ({ ...change, status, decidedBy: admin.arn, decidedAt: clock.now().toISOString(), comment });

  /**
   * Writes the proposal against the version it was proposed on, deciding it in the same write; false when the entry
   * moved on in between, or someone decided the proposal first.
   */
  async function write(change: AllowlistChange, current: AllowlistEntry | null, decided: AllowlistChange) {
    const at = clock.now();
    if (!change.body) return allowlist.delete(current as AllowlistEntry, change.proposedBy, at, decided);
    // The proposer wrote the change; the approval is the Allowlist Change Approved event's.
    const version = (current?.version ?? (await allowlist.lastVersion(change.entryId))) + 1;
    const entry = {
      id: change.entryId,
      ...change.body,
      version,
      updatedAt: at.toISOString(),
      updatedBy: change.proposedBy,
    };
    return allowlist.put(entry, current, decided);
  }

  return {
    approve: async (caller: Identity, id: string, comment: string | null): Promise<AllowlistChange> => {
      const { admin, change } = await decidable(caller, id, 'approve');
      const current = await allowlist.get(change.entryId);
      const found = current?.version ?? null;
      const decided = decision(change, admin, 'APPROVED', comment);
      // The entry and the decision in one write: a change goes live only as an approved proposal, never a rejected one.
      if (found === change.baseVersion && (await write(change, current, decided))) return decided;
      const now = await changes.get(id);
      if (now && now.status !== 'PENDING') throw new ChangeAlreadyDecidedError(id, now.status);
      throw new EntryChangedSinceProposalError(id, change.entryId, found, change.baseVersion);
    },
    reject: async (caller: Identity, id: string, comment: string | null): Promise<AllowlistChange> => {
      const { admin, change } = await decidable(caller, id, 'reject');
      const decided = decision(change, admin, 'REJECTED', comment);
      if (!(await changes.decide(decided))) throw new ChangeAlreadyDecidedError(change.id, 'decided already');
      return decided;
    },
  };
}

export function makeAllowlistChanges(deps: AllowlistChangesDeps) {
  const { approve, reject } = makeDecide(deps);
  return {
    /** Whether puts and deletes are proposals (BROKER_ALLOWLIST_CHANGE_APPROVALS). */
    enabled: (deps.settings.allowlistChangeApprovals ?? 0) > 0,
    propose: makePropose(deps),
    async list(caller: Identity, status: AllowlistChange['status'] | null): Promise<AllowlistChange[]> {
      await deps.requireAdmin(caller, 'see allowlist changes');
      return deps.changes.list(status);
    },
    approve,
    reject,
  };
}

export type AllowlistChanges = ReturnType<typeof makeAllowlistChanges>;

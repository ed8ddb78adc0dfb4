/**
 * Ask for more time on an ACTIVE grant without interrupting it (docs/api.md, `POST /v1/requests/{id}/extend`).
 * Input: the caller (the grant's requester), the grant's id, the added duration, reason and ticket.
 * Output: the extension as stored: a new request with the grant's function, principal, sources, Sid and statement,
 * `extends` = the grant's id, PENDING (APPROVED when its entry auto-approves, for the queued work to take effect).
 * Main course: who (only the requester, as a person: any of its sessions; others who may see the grant are refused,
 * the rest told it does not exist) → the grant is ACTIVE, not ending, with no extension waiting → the allowlist as it
 * is now permits the grant for the time it still has plus the added time, with one more extension (the same judgement
 * as the re-check after an allowlist change: rulebook/ask.ts) → the extension and the grant's `extensions` list are
 * stored together. When the extension reaches its quorum, settling it moves the grant's end (no AWS call).
 * Failures: NotFoundError, NotRequesterError, WrongStatusError, GrantEndingError, ExtensionPendingError,
 * ValidationError (duration below the minimum), AllowlistDeniedError, ExtensionLimitError.
 */
import {
  AllowlistDeniedError,
  ExtensionLimitError,
  ExtensionPendingError,
  GrantEndingError,
  KeptChangingError,
  NotFoundError,
  NotRequesterError,
  StaleRequestError,
  ValidationError,
  WrongStatusError,
} from '../errors';
import { nothingHappenedYet } from '../model/new-request';
import type { GrantRequest } from '../model/request';
import type { AllowlistStore, Clock, IdGenerator, RequestStore } from '../ports';
import { isRequesterOf } from '../rulebook/access';
import { extensionAsk } from '../rulebook/ask';
import { chooseEntry } from '../rulebook/choose-entry';
import { extensionBlocker, timesExtended } from '../rulebook/extension';
import type { Identity } from '../rulebook/identity';
import { requesterPatternsOf, type ResolveIdentity } from '../rulebook/resolve-identity';
import type { BrokerSettings } from '../settings';
import { move } from '../state-machine';
import { BROKER_ACTOR } from './settle-request';
import type { CheckPendingLimit } from './pending-limit';
import type { StandingOf } from './standing';

export interface ExtendCommand {
  caller: Identity;
  id: string;
  durationSeconds: number;
  reason: string;
  ticket: string | null;
}

export interface ExtendDeps {
  store: RequestStore;
  allowlist: AllowlistStore;
  clock: Clock;
  ids: IdGenerator;
  settings: BrokerSettings;
  standing: StandingOf;
  resolveIdentity: ResolveIdentity;
  checkPendingLimit: CheckPendingLimit;
}

const ATTEMPTS = 8;

export function makeExtendRequest(deps: ExtendDeps) {
  const { store, allowlist, clock, ids, settings, standing, resolveIdentity, checkPendingLimit } = deps;
  /** Refuses what the grant's state does not allow; `now` dates the grant's end. */
  async function checkGrant(grant: GrantRequest, caller: Identity, now: Date): Promise<void> {
    if (!isRequesterOf(grant, caller)) {
      await standing.seeing(grant, caller);
      throw new NotRequesterError('extend a grant');
    }
    const blocker = extensionBlocker(grant, now);
    if (blocker?.kind === 'status') throw new WrongStatusError(grant.id, grant.status, 'ACTIVE', 'extended');
    if (blocker) throw new GrantEndingError(grant.id, blocker.reason);
    // Extensions are made one at a time, so only the latest can still be waiting.
    const latest = grant.extensions.at(-1);
    const waiting = latest === undefined ? null : await store.get(latest);
    if (waiting && (waiting.status === 'PENDING' || waiting.status === 'APPROVED')) {
      throw new ExtensionPendingError(grant.id, waiting.id);
    }
  }

  /**
   * The entry that allows the grant to stand for its remaining time plus the extension, with one more extension;
   * refused as a create would be (403), or 409 when only the number of extensions stands in the way.
   */
  async function chooseFor(grant: GrantRequest, caller: Identity, command: ExtendCommand, now: Date) {
    const entries = await allowlist.list();
    const requester = await resolveIdentity(caller, requesterPatternsOf(entries));
    const decision = chooseEntry(entries, extensionAsk(grant, command.durationSeconds, now), requester);
    if (decision.permitted) return decision.entry;
    if (decision.field === 'extensions') throw new ExtensionLimitError(grant.id, timesExtended(grant));
    throw new AllowlistDeniedError(decision.reason, [{ path: decision.field, message: decision.reason }]);
  }

  return async function extendRequest(command: ExtendCommand): Promise<GrantRequest> {
    const { caller } = command;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const grant = await store.get(command.id);
      if (!grant) throw new NotFoundError(`request ${command.id} not found`);
      const now = clock.now();
      await checkGrant(grant, caller, now);
      if (command.durationSeconds < settings.minDurationSeconds) {
        throw ValidationError.field('durationSeconds', `must be at least ${settings.minDurationSeconds}`);
      }
      const entry = await chooseFor(grant, caller, command, now);
      if (!entry.autoApprove) await checkPendingLimit(caller);

      const at = now.toISOString();
      const id = ids.requestId();
      const pending: GrantRequest = {
        ...grant,
        id,
        status: 'PENDING',
        requester: caller.arn,
        requesterPerson: caller.person,
        requesterSession: caller.session,
        durationSeconds: command.durationSeconds,
        reason: command.reason,
        ticket: command.ticket,
        allowlistEntryId: entry.id,
        requiredApprovals: entry.autoApprove ? 0 : entry.requiredApprovals,
        // An extension owns no AWS resource: the grant it extends keeps its mapping and role policy.
        ...nothingHappenedYet(at),
        extends: grant.id,
        history: [
          {
            at,
            event: 'CREATED',
            actor: caller.arn,
            detail: {
              allowlistEntryId: entry.id,
              extends: grant.id,
              ...(caller.session ? { session: caller.session } : {}),
            },
          },
        ],
        version: 1,
      };
      const extension = entry.autoApprove
        ? move(pending, 'APPROVED', { at: now, actor: BROKER_ACTOR, detail: { autoApprove: true } })
        : pending;
      try {
        await store.createExtension(extension, grant, {
          ...grant,
          extensions: [...grant.extensions, id],
          updatedAt: at,
        });
        return extension;
      } catch (error) {
        if (!(error instanceof StaleRequestError)) throw error;
      }
    }
    throw new KeptChangingError(command.id);
  };
}

export type ExtendRequest = ReturnType<typeof makeExtendRequest>;

/**
 * Ask for more time on an ACTIVE grant without interrupting it (API §11.4).
 * Input: the caller (the grant's requester), the grant's id, the added duration, reason and ticket.
 * Output: the extension as stored: a new request with the grant's function, principal, sources, Sid and statement,
 * `extends` = the grant's id, PENDING (APPROVED when its entry auto-approves, for the queued work to take effect).
 * Main course: who (only the requester; others who may see the grant are refused, the rest told it does not exist) →
 * the grant is ACTIVE, not ending, with no extension waiting → the allowlist as it is now permits the same ask for the
 * added time → fewer extensions so far than the entry's maxExtensions → the extension and the grant's `extensions`
 * list are stored together. When the extension reaches its quorum, settling it moves the grant's end (no AWS call).
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
import { DEFAULT_MAX_EXTENSIONS } from '../model/allowlist-entry';
import { nothingHappenedYet } from '../model/new-request';
import type { GrantRequest } from '../model/request';
import type { AllowlistStore, Clock, IdGenerator, RequestStore } from '../ports';
import { checkMaySee } from '../rules/access';
import { matchAllowlist } from '../rules/allowlist-matcher';
import type { Caller } from '../rules/caller-identity';
import { matchSubjectOf } from '../rules/match-subject';
import type { BrokerSettings } from '../settings';
import { move } from '../state-machine';
import { BROKER_ACTOR } from './settle-request';

export interface ExtendCommand {
  caller: Caller;
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
}

const ATTEMPTS = 8;

/** How often a grant has been extended: each extension that took effect left an EXTENDED event on it. */
export function timesExtended(grant: GrantRequest): number {
  return grant.history.filter((e) => e.event === 'EXTENDED').length;
}

export function makeExtendRequest({ store, allowlist, clock, ids, settings }: ExtendDeps) {
  /** Refuses what the grant's state does not allow; `now` dates the grant's end. */
  async function checkGrant(grant: GrantRequest, caller: string, now: Date): Promise<void> {
    if (grant.requester !== caller) {
      checkMaySee(grant, await allowlist.get(grant.allowlistEntryId), caller, settings);
      throw new NotRequesterError('extend a grant');
    }
    if (grant.status !== 'ACTIVE') throw new WrongStatusError(grant.id, grant.status, 'ACTIVE', 'extended');
    if (grant.ending) throw new GrantEndingError(grant.id, 'is being revoked');
    if (grant.expiresAt !== null && Date.parse(grant.expiresAt) <= now.getTime()) {
      throw new GrantEndingError(grant.id, `reached its end at ${grant.expiresAt}`);
    }
    // Extensions are made one at a time, so only the latest can still be waiting.
    const latest = grant.extensions.at(-1);
    const waiting = latest === undefined ? null : await store.get(latest);
    if (waiting && (waiting.status === 'PENDING' || waiting.status === 'APPROVED')) {
      throw new ExtensionPendingError(grant.id, waiting.id);
    }
  }

  return async function extendRequest(command: ExtendCommand): Promise<GrantRequest> {
    const { caller } = command;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const grant = await store.get(command.id);
      if (!grant) throw new NotFoundError(`request ${command.id} not found`);
      const now = clock.now();
      await checkGrant(grant, caller.principal, now);
      if (command.durationSeconds < settings.minDurationSeconds) {
        throw ValidationError.field('durationSeconds', `must be at least ${settings.minDurationSeconds}`);
      }
      const decision = matchAllowlist(
        await allowlist.list(),
        matchSubjectOf(grant, { requester: caller.principal, durationSeconds: command.durationSeconds }),
      );
      if (!decision.permitted) {
        throw new AllowlistDeniedError(decision.reason, [{ path: decision.field, message: decision.reason }]);
      }
      const { entry } = decision;
      const limit = entry.maxExtensions ?? DEFAULT_MAX_EXTENSIONS;
      if (timesExtended(grant) >= limit) throw new ExtensionLimitError(grant.id, limit);

      const at = now.toISOString();
      const id = ids.requestId();
      const pending: GrantRequest = {
        ...grant,
        id,
        status: 'PENDING',
        requester: caller.principal,
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
            actor: caller.principal,
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

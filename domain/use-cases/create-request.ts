/**
 * Create a grant request.
 * Input: the caller, the validated body, dry-run flag, optional Idempotency-Key.
 * Output: the stored request (PENDING; APPROVED when its entry auto-approves, for the queued work to apply), for a
 * dry run the would-be request, or the original on a replayed key.
 * Main course: safety floor → function reference → allowlist → function exists → (event sources: the source's KMS
 * key) → statement → vetting (the policy as it will be, source proof, Access Analyzer) → store.
 * The key is looked up here, not when the grant is applied, so that the statement the approvers see (and its hash)
 * is the whole of what the role will get: kms:Decrypt on that key included.
 * Failures: ValidationError (floor, duration, unknown function, an event source whose key cannot be resolved),
 * AccountNotTargetedError, AllowlistDeniedError, TooManyPendingError (the requester's waiting requests are at the
 * limit), IdempotencyKeyReusedError, UnavailableError (AWS, or the function's account unreachable).
 */
import {
  AccountUnreachableError,
  AllowlistDeniedError,
  EventSourceKeyUnresolvedError,
  IdempotencyKeyReusedError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '../errors';
import type { GrantAsk } from '../model/grant-ask';
import { newRequest } from '../model/new-request';
import type { GrantRequest } from '../model/request';
import type {
  AllowlistStore,
  Clock,
  EventSourceKeys,
  FunctionDirectory,
  IdGenerator,
  IdempotencyClaim,
  RequestStore,
} from '../ports';
import { newAsk } from '../rulebook/ask';
import { startingProgress } from '../rulebook/approval-steps';
import { chooseEntry } from '../rulebook/choose-entry';
import type { Identity } from '../rulebook/identity';
import { requesterPatternsOf, type ResolveIdentity } from '../rulebook/resolve-identity';
import type { CheckPendingLimit } from './pending-limit';
import type { VetGrant } from './vet-grant';
import { canonicalHash } from '../rules/canonical-hash';
import { parseFunctionRef } from '../rules/function-ref';
import { checkSafetyFloor } from '../rules/safety-floor';
import { checkStartsAt } from '../rules/start-window';
import { IDEMPOTENCY_WINDOW_SECONDS, type BrokerSettings } from '../settings';
import { approve } from '../state-machine';
import { BROKER_ACTOR } from './settle-request';

export interface CreateRequestCommand {
  caller: Identity;
  ask: GrantAsk;
  dryRun: boolean;
  idempotencyKey: string | null;
}

export interface CreateRequestResult {
  request: GrantRequest;
  /** The request already existed under this Idempotency-Key. */
  replayed: boolean;
}

export interface CreateRequestDeps {
  store: RequestStore;
  allowlist: AllowlistStore;
  functions: FunctionDirectory;
  keys: EventSourceKeys;
  clock: Clock;
  ids: IdGenerator;
  settings: BrokerSettings;
  resolveIdentity: ResolveIdentity;
  checkPendingLimit: CheckPendingLimit;
  vetGrant: VetGrant['vetGrant'];
}

export function makeCreateRequest(deps: CreateRequestDeps) {
  const { store, allowlist, functions, keys, clock, ids, settings, resolveIdentity, checkPendingLimit, vetGrant } =
    deps;

  /** The customer-managed key the poller will need, or a 400 naming eventSourceArn when it cannot be known. */
  async function decryptKeyOf(eventSourceArn: string): Promise<string | null> {
    try {
      return await keys.decryptKeyOf(eventSourceArn);
    } catch (error) {
      if (error instanceof EventSourceKeyUnresolvedError) throw ValidationError.field('eventSourceArn', error.message);
      throw error;
    }
  }

  async function replay(requestId: string): Promise<CreateRequestResult> {
    const original = await store.get(requestId);
    if (!original) throw new NotFoundError(`request ${requestId} named by the Idempotency-Key no longer exists`);
    return { request: original, replayed: true };
  }

  return async function createRequest(command: CreateRequestCommand): Promise<CreateRequestResult> {
    const { ask } = command;
    const now = clock.now();
    const bodyHash = canonicalHash(ask);
    const key = command.dryRun ? null : command.idempotencyKey;
    if (key !== null) {
      const claim = await store.findClaim(command.caller.arn, key, now);
      if (claim) {
        if (claim.bodyHash !== bodyHash) throw keyReused();
        return replay(claim.requestId);
      }
    }

    const checked = checkSafetyFloor(ask, settings);
    if (ask.durationSeconds < settings.minDurationSeconds) {
      throw ValidationError.field('durationSeconds', `must be at least ${settings.minDurationSeconds}`);
    }
    const ref = parseFunctionRef(ask, settings);
    const entries = await allowlist.list();
    const caller = await resolveIdentity(command.caller, requesterPatternsOf(entries));
    const decision = chooseEntry(
      entries,
      newAsk(
        {
          functionArn: ref.functionArn,
          kind: checked.kind,
          principal: ask.principal ?? null,
          sourceArn: ask.sourceArn ?? null,
          eventSourceArn: ask.eventSourceArn ?? null,
          principalOrgId: ask.principalOrgId ?? null,
          sourceOwner: checked.sourceOwner,
        },
        ask.durationSeconds,
      ),
      caller,
    );
    if (!decision.permitted) {
      throw new AllowlistDeniedError(decision.reason, [{ path: decision.field, message: decision.reason }]);
    }
    if (!command.dryRun && !decision.entry.autoApprove) await checkPendingLimit(caller);
    // By ARN: the directory asks the account that owns the function.
    const resolved = await functions.resolve(ref.functionArn, ref.qualifier).catch((error: unknown) => {
      // Its spoke role cannot be assumed now: nothing is stored, and the caller may try again later.
      if (error instanceof AccountUnreachableError) throw new UnavailableError(error.message, { cause: error });
      throw error;
    });
    if (!resolved) {
      const what = ref.qualifier ? `${ref.name}:${ref.qualifier}` : ref.name;
      throw ValidationError.field(ref.qualifier ? 'qualifier' : 'functionName', `function ${what} does not exist`);
    }

    const entry = decision.entry;
    checkStartsAt(ask.startsAt, entry, now);
    const pending = newRequest({
      id: ids.requestId(),
      at: now,
      sidPrefix: settings.sidPrefix,
      caller,
      ask,
      checked,
      decryptKeyArn: checked.kind === 'eventSourceMapping' ? await decryptKeyOf(checked.eventSourceArn) : null,
      functionArn: ref.functionArn,
      qualifier: ref.qualifier,
      allowlistEntryId: entry.id,
      requiredApprovals: entry.autoApprove ? 0 : entry.requiredApprovals,
      approvalSteps: entry.autoApprove ? null : startingProgress(entry),
      status: 'PENDING',
      opening: { event: 'CREATED', detail: { allowlistEntryId: entry.id } },
    });
    const vetted = { ...pending, ...(await vetGrant(pending, entry)) };
    const request = entry.autoApprove
      ? approve(vetted, { at: now, actor: BROKER_ACTOR, detail: { autoApprove: true } })
      : vetted;
    if (command.dryRun) return { request, replayed: false };

    const claim: IdempotencyClaim | null =
      key === null
        ? null
        : {
            caller: caller.arn,
            key,
            bodyHash,
            expiresAt: new Date(now.getTime() + IDEMPOTENCY_WINDOW_SECONDS * 1000).toISOString(),
          };
    const outcome = await store.create(request, claim, now);
    if (!outcome.created) {
      // Another call with the same key won the race.
      if (outcome.existing.bodyHash !== bodyHash) throw keyReused();
      return replay(outcome.existing.requestId);
    }
    return { request, replayed: false };
  };
}

function keyReused(): IdempotencyKeyReusedError {
  return new IdempotencyKeyReusedError();
}

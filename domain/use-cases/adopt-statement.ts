/**
 * Adopt a statement the broker did not write (docs/adoption.md, Adopt), admins only: it becomes a managed, expiring
 * grant. Input: the admin, the function (ARN, optional qualifier) whose policy holds the statement, its Sid, the
 * duration of the managed grant and a reason. Output: the stored request, APPROVED (requester: the admin;
 * `allowlistEntryId`: the entry that permits the grant, or null; history: ADOPTED with the old Sid and statement). Its
 * AWS work is the settle path's, like any approved grant: the operator adds the broker's own statement with the same
 * meaning, reads it back, and only then removes the old one (grant-operator `adopt`); the answer waits briefly for
 * that, the work queue and the sweep finish it. Crash safety: until the old statement is gone the request stays
 * APPROVED, so a crash anywhere leaves it due: the next settle finds its own statement in place (or adds it) and
 * removes the old one (already gone counts as removed). The old statement is never removed before the new one is
 * verified, so nothing is lost on the way. A retry of the same adoption while it is APPROVED answers that request
 * instead of making a second one. Failures: NotAdminError; ValidationError (statementId already managed, below the
 * safety floor — `details` lists the violations —, duration, function); NotFoundError (no such statement);
 * AdoptionInProgressError (being adopted with other terms); UnavailableError (Lambda, or the function's account, out of
 * reach, or its budget used up for the next ADOPT_READ_DEADLINE_MS).
 */
import {
  AccountNotTargetedError,
  AccountUnreachableError,
  AdoptionInProgressError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '../errors';
import { newRequest } from '../model/new-request';
import type { GrantRequest } from '../model/request';
import type {
  AllowlistStore,
  CallDeadlines,
  Clock,
  IdGenerator,
  PolicyTarget,
  RequestStore,
  ResourcePolicyGateway,
} from '../ports';
import { adoptedStatementId } from '../rules/adoption';
import { isRequesterOf } from '../rulebook/access';
import type { Identity } from '../rulebook/identity';
import { assessStatement } from '../rules/foreign-statement';
import { parseFunctionRef, type FunctionRef } from '../rules/function-ref';
import type { BrokerSettings } from '../settings';
import type { RequireAdmin } from './require-admin';

export interface AdoptCommand {
  caller: Identity;
  functionArn: string;
  qualifier: string | null;
  statementId: string;
  durationSeconds: number;
  reason: string;
}

export interface AdoptDeps {
  store: RequestStore;
  allowlist: AllowlistStore;
  policies: ResourcePolicyGateway;
  deadlines: CallDeadlines;
  clock: Clock;
  ids: IdGenerator;
  settings: BrokerSettings;
  requireAdmin: RequireAdmin;
}

const PAGE = 100;
/**
 * The policy read waits for the account's Lambda budget at most this long: an answer comes well inside API Gateway's
 * 29 s (503 with Retry-After when the budget is used up for longer), never a 504.
 */
export const ADOPT_READ_DEADLINE_MS = 10_000;

/** The function named in the body, its errors reported at `functionArn` (the body's name for it). */
function functionOf(command: AdoptCommand, settings: BrokerSettings): FunctionRef {
  try {
    return parseFunctionRef(
      { functionName: command.functionArn, ...(command.qualifier === null ? {} : { qualifier: command.qualifier }) },
      settings,
    );
  } catch (error) {
    if (error instanceof AccountNotTargetedError) throw new AccountNotTargetedError(error.accountId, 'functionArn');
    if (!(error instanceof ValidationError)) throw error;
    const details = error.details.map((d) => (d.path === 'functionName' ? { ...d, path: 'functionArn' } : d));
    throw new ValidationError(details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
  }
}

export function makeAdoptStatement(deps: AdoptDeps) {
  const { store, allowlist, policies, deadlines, clock, ids, settings, requireAdmin } = deps;

  /** The policy, or 503 when its account cannot be reached (the caller may retry once the spoke role works). */
  async function readPolicy(target: PolicyTarget) {
    const deadline = new Date(clock.now().getTime() + ADOPT_READ_DEADLINE_MS);
    try {
      return await deadlines.within(deadline, () => policies.read(target));
    } catch (error) {
      if (!(error instanceof AccountUnreachableError)) throw error;
      throw new UnavailableError(`account ${error.accountId} cannot be reached: ${error.message}`, { cause: error });
    }
  }

  /** An adoption of this statement that is still being applied (APPROVED), if any. */
  async function inFlight(target: PolicyTarget, sid: string): Promise<GrantRequest | null> {
    let after: string | null = null;
    do {
      const page = await store.approved(PAGE, after);
      const found = page.items.find(
        (r) =>
          r.functionArn === target.functionName && r.qualifier === target.qualifier && adoptedStatementId(r) === sid,
      );
      if (found) return found;
      after = page.next;
    } while (after !== null);
    return null;
  }

  return async function adoptStatement(command: AdoptCommand): Promise<GrantRequest> {
    const { statementId: sid } = command;
    const caller = await requireAdmin(command.caller, 'adopt statements');
    if (sid.startsWith(settings.sidPrefix)) {
      throw ValidationError.field('statementId', `starts with ${settings.sidPrefix}: the broker manages it already`);
    }
    if (command.durationSeconds < settings.minDurationSeconds) {
      throw ValidationError.field('durationSeconds', `must be at least ${settings.minDurationSeconds}`);
    }
    const ref = functionOf(command, settings);
    const target: PolicyTarget = { functionName: ref.functionArn, qualifier: ref.qualifier };

    const pending = await inFlight(target, sid);
    if (pending) {
      const same =
        isRequesterOf(pending, caller) &&
        pending.durationSeconds === command.durationSeconds &&
        pending.reason === command.reason;
      if (!same) throw new AdoptionInProgressError(sid, pending.id);
      return pending;
    }

    const statement = (await readPolicy(target))?.statements.find((s) => s.Sid === sid);
    const where = ref.qualifier ? `${ref.functionArn}:${ref.qualifier}` : ref.functionArn;
    if (!statement) throw new NotFoundError(`statement ${sid} is not in the resource policy of ${where}`);

    const owner = { functionArn: ref.functionArn, qualifier: ref.qualifier };
    const assessment = assessStatement(statement, owner, await allowlist.list(), settings);
    if (!assessment.ask || !assessment.checked) {
      const count = assessment.floorViolations.length;
      throw new ValidationError(`statement ${sid} does not meet the safety floor; it was left in place`, [
        { path: 'statementId', message: `${sid} does not meet the safety floor (${count} violation(s) follow)` },
        ...assessment.floorViolations,
      ]);
    }

    const request = newRequest({
      id: ids.requestId(),
      at: clock.now(),
      sidPrefix: settings.sidPrefix,
      caller,
      ask: { ...assessment.ask, durationSeconds: command.durationSeconds, reason: command.reason },
      checked: assessment.checked,
      // Only resource-policy statements are adopted: no event source, so no key.
      decryptKeyArn: null,
      functionArn: ref.functionArn,
      qualifier: ref.qualifier,
      allowlistEntryId: assessment.permittedBy,
      // Decided by the admin who adopts it: no approvals, and so no Slack approval message.
      requiredApprovals: 0,
      approvalSteps: null,
      status: 'APPROVED',
      opening: {
        event: 'ADOPTED',
        detail: { statementId: sid, statement, allowlistEntryId: assessment.permittedBy },
      },
    });
    await store.create(request, null, clock.now());
    return request;
  };
}

export type AdoptStatement = ReturnType<typeof makeAdoptStatement>;

/**
 * Applies and removes the AWS side of a grant. Both directions are idempotent, so any step can be retried after a
 * crash: the Sid (and IAM policy name) derive from the request, an existing statement of ours counts as applied,
 * and "already gone" counts as removed. The operator never sleeps through a wait: IAM propagation and a policy that
 * keeps changing come back as `wait` so the caller can reschedule the work and move on to other items.
 *
 * apply → applied (mapping uuid, role) | refused (permanent, nothing left behind) | wait (retry after a pause);
 * transient AWS trouble throws UnavailableError. remove → resolves when nothing of the grant is left.
 */
import {
  EventSourceKeyUnresolvedError,
  FunctionBusyError,
  GrantRejectedError,
  MappingExistsError,
  PolicyChangedError,
  RoleNotReadyError,
} from '../errors';
import { approvedAt } from '../model/approved-at';
import type { GrantRequest, InvokeGrantRequest, MappingGrantRequest } from '../model/request';
import type {
  EventSourceKeys,
  EventSourceMappingGateway,
  ExecutionRoleGateway,
  FunctionDirectory,
  MappingSpec,
  PolicyTarget,
  ResourcePolicyGateway,
  Sleep,
} from '../ports';
import {
  RESOURCE_POLICY_LIMIT_BYTES,
  ROLE_INLINE_POLICIES_LIMIT_CHARS,
  iamPolicyChars,
  resourcePolicyBytes,
  roleDocument,
} from '../rules/policy-limits';
import { parseArn } from '../rules/arn';
import { adoptedStatementId } from '../rules/adoption';
import { replaceAdopted } from './replace-adopted';
import { sameStatement } from '../rules/statement-equivalence';
import type { BrokerSettings } from '../settings';
import { backoffMs } from './backoff';
import { oneAtATime } from './one-at-a-time';
import { decryptKeyIn } from '../../policies/event-source-access';

export type ApplyResult =
  | {
      outcome: 'applied';
      eventSourceMappingUuid: string | null;
      executionRoleArn: string | null;
      /** An adoption whose replaced statement changed meanwhile: it stays, and the history says so. */
      adoptionConflict?: { statementId: string; reason: string; found: string };
    }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'wait'; retryAfterMs: number; reason: string };

export interface GrantOperatorDeps {
  policies: ResourcePolicyGateway;
  roles: ExecutionRoleGateway;
  mappings: EventSourceMappingGateway;
  functions: FunctionDirectory;
  keys: EventSourceKeys;
  sleep: Sleep;
  settings: BrokerSettings;
}

/** Re-reads after a stale revision or a busy policy: short, since each attempt costs control-plane budget. */
const POLICY_ATTEMPTS = 3;
/** How long IAM propagation may keep a new mapping from being created before the grant is given up. */
export const ROLE_PROPAGATION_GRACE_MS = 5 * 60 * 1000;
/** A function being updated (a deploy) keeps Lambda answering 409 for seconds: come back after this. */
const FUNCTION_BUSY_RETRY_MS = 3_000;

const refused = (reason: string): ApplyResult => ({ outcome: 'refused', reason });
const wait = (retryAfterMs: number, reason: string): ApplyResult => ({ outcome: 'wait', retryAfterMs, reason });
const APPLIED_INVOKE: ApplyResult = { outcome: 'applied', eventSourceMappingUuid: null, executionRoleArn: null };

export function makeGrantOperator(deps: GrantOperatorDeps) {
  const { policies, roles, mappings, functions, keys, sleep, settings } = deps;
  const perPolicy = oneAtATime();

  function target(r: GrantRequest): PolicyTarget {
    return { functionName: r.functionArn, qualifier: r.qualifier };
  }

  const policyKey = (r: GrantRequest) => `${r.functionArn}:${r.qualifier ?? ''}`;

  function assertOwnSid(sid: string): void {
    // Defence in depth: the broker never touches a statement it did not write.
    if (!sid.startsWith(settings.sidPrefix)) throw new Error(`refusing to touch foreign statement ${sid}`);
  }

  async function applyInvoke(r: InvokeGrantRequest): Promise<ApplyResult> {
    const wanted = r.statement;
    assertOwnSid(wanted.Sid);
    let busy = false;
    for (let attempt = 1; attempt <= POLICY_ATTEMPTS; attempt++) {
      const policy = await policies.read(target(r));
      const existing = policy?.statements.find((s) => s.Sid === wanted.Sid);
      if (existing) {
        if (sameStatement(existing, wanted)) return APPLIED_INVOKE;
        // Our Sid holding something else (a broader read-back, a hand edit) never outlives this request.
        await policies.remove(target(r), wanted.Sid);
        return refused(`a different statement held Sid ${wanted.Sid}; it was removed`);
      }
      // A 409 without our Sid in the policy is not a duplicate: Lambda is busy with the function (a deploy).
      if (busy) return wait(FUNCTION_BUSY_RETRY_MS, 'another operation on the function is in progress (409)');
      const bytes = resourcePolicyBytes([...(policy?.statements ?? []), wanted]);
      if (bytes > RESOURCE_POLICY_LIMIT_BYTES) {
        return refused(
          `the function's resource policy would grow to ${bytes} bytes, over Lambda's limit of ${RESOURCE_POLICY_LIMIT_BYTES}; policy left unchanged`,
        );
      }
      let answered: Record<string, unknown> | null;
      try {
        answered = await policies.add(target(r), wanted, policy?.revisionId ?? null);
      } catch (error) {
        if (error instanceof PolicyChangedError) {
          await sleep(backoffMs(attempt, 50, 400));
          continue;
        }
        if (error instanceof FunctionBusyError) {
          busy = true;
          continue;
        }
        if (error instanceof GrantRejectedError) return refused(`Lambda refused the permission: ${error.message}`);
        throw error;
      }
      // What Lambda stored: its answer to AddPermission says it; a policy read only when the answer did not.
      const stored = answered ?? (await policies.read(target(r)))?.statements.find((s) => s.Sid === wanted.Sid);
      if (stored && sameStatement(stored, wanted)) return APPLIED_INVOKE;
      if (stored) {
        // Stored differently from what was approved (perhaps broader): never leave that in place.
        await policies.remove(target(r), wanted.Sid);
        return refused('Lambda stored the statement differently from the approved one; it was removed again');
      }
    }
    return wait(2_000, 'the resource policy kept changing');
  }

  function mappingSpec(r: MappingGrantRequest): MappingSpec {
    return {
      functionName: r.functionArn,
      qualifier: r.qualifier,
      eventSourceArn: r.eventSourceArn,
      batchSize: r.batchSize,
    };
  }

  /**
   * Why the approved statement would not let the poller read the source now (its KMS key cannot be resolved, or it
   * is encrypted with a key the statement does not cover); null when it would.
   */
  async function keyProblem(r: MappingGrantRequest): Promise<string | null> {
    let key: string | null;
    try {
      key = await keys.decryptKeyOf(r.eventSourceArn);
    } catch (error) {
      if (error instanceof EventSourceKeyUnresolvedError) return error.message;
      throw error;
    }
    if (key === null || key === decryptKeyIn(r.statement)) return null;
    return `the event source is now encrypted with KMS key ${key}, which the approved statement does not let the role use; ask again`;
  }

  /** The reason a mapping could still not be created once IAM propagation no longer explains it. */
  function unreadableReason(r: MappingGrantRequest, roleArn: string): string {
    const source = parseArn(r.eventSourceArn);
    if (source && source.account !== parseArn(r.functionArn)?.account) {
      return `the execution role ${roleArn} could not read the event source within 5 minutes: it is in account ${source.account}, so its own policy (queue or stream policy) must allow that role`;
    }
    return 'the execution role could not read the event source within 5 minutes';
  }

  async function applyMapping(r: MappingGrantRequest, now: Date): Promise<ApplyResult> {
    const fn = await functions.resolve(r.functionArn, r.qualifier);
    if (!fn) return refused('the function no longer exists');
    const statement = r.statement;
    const policyName = r.statementId;
    assertOwnSid(policyName);
    const problem = await keyProblem(r);
    if (problem) return refused(problem);
    const used = await roles.inlinePolicySize(fn.roleArn, policyName);
    const needed = iamPolicyChars(roleDocument(statement));
    if (used + needed > ROLE_INLINE_POLICIES_LIMIT_CHARS) {
      return refused(
        `the execution role's inline policies would reach ${used + needed} characters, over IAM's limit of ${ROLE_INLINE_POLICIES_LIMIT_CHARS}`,
      );
    }
    await roles.put(fn.roleArn, policyName, statement);
    const applied = (uuid: string): ApplyResult => ({
      outcome: 'applied',
      eventSourceMappingUuid: uuid,
      executionRoleArn: fn.roleArn,
    });
    const giveUp = async (reason: string): Promise<ApplyResult> => {
      await roles.delete(fn.roleArn, policyName);
      return refused(reason);
    };

    // Ownership is the mapping's tag, never its timing: ours carries this request's id from the moment it exists.
    const adoptOrRefuse = async (): Promise<ApplyResult | null> => {
      const found = await mappings.find(mappingSpec(r));
      const ours = found.find((m) => m.owner === r.id);
      if (ours) return applied(ours.uuid);
      const other = found[0];
      if (!other) return null;
      return giveUp(
        other.owner
          ? `an event source mapping for this function and source already exists: it belongs to grant ${other.owner}`
          : 'an event source mapping for this function and source already exists, made outside the broker',
      );
    };
    const early = await adoptOrRefuse();
    if (early) return early;

    try {
      return applied(await mappings.create(mappingSpec(r), r.id));
    } catch (error) {
      if (error instanceof MappingExistsError) {
        return (await adoptOrRefuse()) ?? wait(1_000, 'a mapping for this source was being created');
      }
      if (error instanceof GrantRejectedError)
        return giveUp(`Lambda refused the event source mapping: ${error.message}`);
      if (!(error instanceof RoleNotReadyError)) throw error;
    }
    // The IAM propagation grace counts from the approval.
    const waited = now.getTime() - approvedAt(r);
    if (waited > ROLE_PROPAGATION_GRACE_MS) return giveUp(unreadableReason(r, fn.roleArn));
    // IAM propagation usually takes seconds: retry soon at first, then less often.
    return wait(
      Math.min(15_000, 2_000 + waited / 10),
      'the execution role cannot read the event source yet (IAM propagation)',
    );
  }

  return {
    /** `now` dates the IAM propagation grace of event source grants. */
    apply(r: GrantRequest, now: Date): Promise<ApplyResult> {
      return r.kind === 'invoke' ? perPolicy(policyKey(r), () => applyInvoke(r)) : applyMapping(r, now);
    },

    /**
     * Finishes an adoption (API §11.11, §12.5): applies the broker's own statement (added and read back, or found in
     * place by a retry) and only then removes the statement it replaces (replace-adopted.ts: only as recorded). The
     * one exception to "never touch a statement without our prefix", kept narrow: only the Sid the request's ADOPTED
     * event names, only in the request's own policy, only once our statement with the same meaning is verified there.
     * Should the removal fail, both stand (nothing is lost) and the request stays APPROVED: the next settle finds our
     * statement and removes the old one.
     */
    adopt(r: InvokeGrantRequest): Promise<ApplyResult> {
      const foreign = adoptedStatementId(r);
      if (foreign === null || foreign.startsWith(settings.sidPrefix)) {
        throw new Error(`request ${r.id} adopts no statement of someone else`);
      }
      return perPolicy(policyKey(r), async () => {
        const result = await applyInvoke(r);
        if (result.outcome !== 'applied') return result;
        const replaced = await replaceAdopted(policies, r);
        if (replaced.outcome === 'busy')
          return wait(1_000, 'the policy kept changing while the old statement was removed');
        if (replaced.outcome === 'conflict') {
          const { statementId, reason, found } = replaced;
          return { ...result, adoptionConflict: { statementId, reason, found } };
        }
        return result;
      });
    },

    async remove(r: GrantRequest): Promise<void> {
      if (r.kind === 'invoke') {
        assertOwnSid(r.statementId);
        await perPolicy(policyKey(r), () => policies.remove(target(r), r.statementId));
        return;
      }
      if (r.status !== 'APPROVED') {
        if (r.eventSourceMappingUuid) await mappings.delete(r.eventSourceMappingUuid, r.functionArn);
        if (r.executionRoleArn) await roles.delete(r.executionRoleArn, r.statementId);
        return;
      }
      // Ended before its apply was recorded (an allowlist change): remove whatever an interrupted apply left behind.
      assertOwnSid(r.statementId);
      const ours = (await mappings.find(mappingSpec(r))).filter((m) => m.owner === r.id);
      for (const m of ours) await mappings.delete(m.uuid, r.functionArn);
      const fn = await functions.resolve(r.functionArn, r.qualifier);
      if (fn) await roles.delete(fn.roleArn, r.statementId);
    },
  };
}

export type GrantOperator = ReturnType<typeof makeGrantOperator>;

/**
 * Applies and removes the AWS side of a grant. Both directions are idempotent, so any step can be retried after a
 * crash: the Sid (and IAM policy name) derive from the request, an existing statement of ours counts as applied,
 * and "already gone" counts as removed.
 *
 * apply → { applied, mapping uuid, role } | { refused, reason }; transient trouble throws UnavailableError.
 * remove → resolves when nothing of the grant is left; transient trouble throws.
 */
import {
  GrantRejectedError,
  MappingExistsError,
  PolicyChangedError,
  RoleNotReadyError,
  UnavailableError,
} from '../errors';
import type { GrantRequest } from '../model/request';
import type {
  Clock,
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
import { functionNameOf } from '../rules/function-ref';
import { sameStatement } from '../rules/statement-equivalence';
import type { BrokerSettings } from '../settings';
import type { InvokeStatement, RoleStatement } from '../../policies/statement-types';
import { backoffMs } from './backoff';

export type ApplyResult =
  | { applied: true; eventSourceMappingUuid: string | null; executionRoleArn: string | null }
  | { applied: false; reason: string };

export interface GrantOperatorDeps {
  policies: ResourcePolicyGateway;
  roles: ExecutionRoleGateway;
  mappings: EventSourceMappingGateway;
  functions: FunctionDirectory;
  clock: Clock;
  sleep: Sleep;
  settings: BrokerSettings;
}

const POLICY_ATTEMPTS = 5;
const MAPPING_ATTEMPTS = 6;
/** How long IAM propagation may keep a new mapping from being created before the grant is given up. */
const ROLE_PROPAGATION_GRACE_MS = 5 * 60 * 1000;

const refused = (reason: string): ApplyResult => ({ applied: false, reason });

export function makeGrantOperator(deps: GrantOperatorDeps) {
  const { policies, roles, mappings, functions, clock, sleep, settings } = deps;

  function target(r: GrantRequest): PolicyTarget {
    return { functionName: r.functionArn, qualifier: r.qualifier };
  }

  function assertOwnSid(sid: string): void {
    // Defence in depth: the broker never touches a statement it did not write.
    if (!sid.startsWith(settings.sidPrefix)) throw new Error(`refusing to touch foreign statement ${sid}`);
  }

  async function applyInvoke(r: GrantRequest): Promise<ApplyResult> {
    const wanted = r.statement as InvokeStatement;
    assertOwnSid(wanted.Sid);
    for (let attempt = 1; attempt <= POLICY_ATTEMPTS; attempt++) {
      const policy = await policies.read(target(r));
      const existing = policy?.statements.find((s) => s.Sid === wanted.Sid);
      if (existing) {
        if (sameStatement(existing, wanted))
          return { applied: true, eventSourceMappingUuid: null, executionRoleArn: null };
        return refused(`a different statement already holds Sid ${wanted.Sid}`);
      }
      const bytes = resourcePolicyBytes([...(policy?.statements ?? []), wanted]);
      if (bytes > RESOURCE_POLICY_LIMIT_BYTES) {
        return refused(
          `the function's resource policy would grow to ${bytes} bytes, over Lambda's limit of ${RESOURCE_POLICY_LIMIT_BYTES}; policy left unchanged`,
        );
      }
      try {
        await policies.add(target(r), wanted, policy?.revisionId ?? null);
      } catch (error) {
        if (error instanceof PolicyChangedError) {
          await sleep(backoffMs(attempt));
          continue;
        }
        if (error instanceof GrantRejectedError) return refused(`Lambda refused the permission: ${error.message}`);
        throw error;
      }
      const stored = (await policies.read(target(r)))?.statements.find((s) => s.Sid === wanted.Sid);
      if (stored && sameStatement(stored, wanted)) {
        return { applied: true, eventSourceMappingUuid: null, executionRoleArn: null };
      }
      if (stored) {
        // Stored differently from what was approved (perhaps broader): never leave that in place.
        await policies.remove(target(r), wanted.Sid);
        return refused('Lambda stored the statement differently from the approved one; it was removed again');
      }
    }
    throw new UnavailableError('the resource policy kept changing; the next sweep retries');
  }

  function mappingSpec(r: GrantRequest): MappingSpec {
    return {
      functionName: r.functionArn,
      qualifier: r.qualifier,
      eventSourceArn: r.eventSourceArn as string,
      batchSize: r.batchSize,
    };
  }

  /** When the grant was approved, to the second (Lambda reports LastModified in whole seconds). */
  function approvedAt(r: GrantRequest): string {
    const at = [...r.history].reverse().find((e) => e.event === 'APPROVED')?.at ?? r.createdAt;
    return `${at.slice(0, 19)}.000Z`;
  }

  async function applyMapping(r: GrantRequest): Promise<ApplyResult> {
    const fn = await functions.resolve(functionNameOf(r.functionArn), r.qualifier);
    if (!fn) return refused('the function no longer exists');
    const statement = r.statement as RoleStatement;
    const policyName = r.statementId;
    assertOwnSid(policyName);
    const used = await roles.inlinePolicySize(fn.roleArn, policyName);
    const needed = iamPolicyChars(roleDocument(statement));
    if (used + needed > ROLE_INLINE_POLICIES_LIMIT_CHARS) {
      return refused(
        `the execution role's inline policies would reach ${used + needed} characters, over IAM's limit of ${ROLE_INLINE_POLICIES_LIMIT_CHARS}`,
      );
    }
    await roles.put(fn.roleArn, policyName, statement);
    const applied = (uuid: string): ApplyResult => ({
      applied: true,
      eventSourceMappingUuid: uuid,
      executionRoleArn: fn.roleArn,
    });
    const giveUp = async (reason: string): Promise<ApplyResult> => {
      await roles.delete(fn.roleArn, policyName);
      return refused(reason);
    };

    // A mapping created after the approval is ours from an interrupted attempt; an older one belongs to someone else.
    const adoptOrRefuse = async (): Promise<ApplyResult | null> => {
      const found = await mappings.find(mappingSpec(r));
      const ours = found.find((m) => m.lastModified >= approvedAt(r));
      if (ours) return applied(ours.uuid);
      if (found.length > 0) return giveUp('an event source mapping for this function and source already exists');
      return null;
    };
    const early = await adoptOrRefuse();
    if (early) return early;

    for (let attempt = 1; attempt <= MAPPING_ATTEMPTS; attempt++) {
      try {
        return applied(await mappings.create(mappingSpec(r)));
      } catch (error) {
        if (error instanceof MappingExistsError) {
          const settled = await adoptOrRefuse();
          if (settled) return settled;
          continue;
        }
        if (error instanceof GrantRejectedError)
          return giveUp(`Lambda refused the event source mapping: ${error.message}`);
        if (!(error instanceof RoleNotReadyError)) throw error;
        await sleep(backoffMs(attempt, 500, 8_000));
      }
    }
    if (clock.now().getTime() - Date.parse(approvedAt(r)) > ROLE_PROPAGATION_GRACE_MS) {
      return giveUp('the execution role could not read the event source within 5 minutes');
    }
    throw new UnavailableError('the execution role cannot read the event source yet (IAM propagation); retrying');
  }

  return {
    apply(r: GrantRequest): Promise<ApplyResult> {
      return r.kind === 'invoke' ? applyInvoke(r) : applyMapping(r);
    },

    async remove(r: GrantRequest): Promise<void> {
      if (r.kind === 'invoke') {
        assertOwnSid(r.statementId);
        await policies.remove(target(r), r.statementId);
        return;
      }
      if (r.eventSourceMappingUuid) await mappings.delete(r.eventSourceMappingUuid);
      if (r.executionRoleArn) await roles.delete(r.executionRoleArn, r.statementId);
    },
  };
}

export type GrantOperator = ReturnType<typeof makeGrantOperator>;

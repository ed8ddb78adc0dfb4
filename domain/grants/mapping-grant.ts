/**
 * Event source grants (SQS queues, Kinesis and DynamoDB streams, where Lambda polls): the function's execution role
 * gets an inline policy to read the source (and its KMS key), then an event source mapping is created, tagged with
 * the request's id. Ownership is the tag, never timing: a mapping found for the same source is ours only by its tag.
 */
import { EventSourceKeyUnresolvedError, GrantRejectedError, MappingExistsError, RoleNotReadyError } from '../errors';
import { approvedAt } from '../model/approved-at';
import type { MappingGrantRequest } from '../model/request';
import type {
  EventSourceKeys,
  EventSourceMappingGateway,
  ExecutionRoleGateway,
  FunctionDirectory,
  MappingSpec,
} from '../ports';
import { parseArn } from '../rules/arn';
import { canonicalHash, canonicalJson } from '../rules/canonical-hash';
import { ROLE_INLINE_POLICIES_LIMIT_CHARS, iamPolicyChars, roleDocument } from '../rules/policy-limits';
import type { BrokerSettings } from '../settings';
import { decryptKeyIn } from '../../policies/event-source-access';
import { assertOwnSid, refused, wait, type ApplyResult, type Drift, type GrantKind } from './grant-kind';

/** How long IAM propagation may keep a new mapping from being created before the grant is given up. */
export const ROLE_PROPAGATION_GRACE_MS = 5 * 60 * 1000;

export interface MappingGrantDeps {
  roles: ExecutionRoleGateway;
  mappings: EventSourceMappingGateway;
  functions: FunctionDirectory;
  keys: EventSourceKeys;
  settings: BrokerSettings;
}

function mappingSpec(r: MappingGrantRequest): MappingSpec {
  return {
    functionName: r.functionArn,
    qualifier: r.qualifier,
    eventSourceArn: r.eventSourceArn,
    batchSize: r.batchSize,
  };
}

/** AWS refused a repair for good (or not yet, for IAM propagation): flagged, not a failure of the check. */
const isRefusal = (error: unknown): error is Error =>
  error instanceof GrantRejectedError || error instanceof MappingExistsError || error instanceof RoleNotReadyError;

/** The reason a mapping could still not be created once IAM propagation no longer explains it. */
function unreadableReason(r: MappingGrantRequest, roleArn: string): string {
  const source = parseArn(r.eventSourceArn);
  if (source && source.account !== parseArn(r.functionArn)?.account) {
    return `the execution role ${roleArn} could not read the event source within 5 minutes: it is in account ${source.account}, so its own policy (queue or stream policy) must allow that role`;
  }
  return 'the execution role could not read the event source within 5 minutes';
}

export function makeMappingGrant(deps: MappingGrantDeps): GrantKind<MappingGrantRequest> {
  const { roles, mappings, functions, keys, settings } = deps;

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

  /** The role may read the source: create the mapping (or find ours), or give the role policy back when refused. */
  async function createMapping(r: MappingGrantRequest, roleArn: string, now: Date): Promise<ApplyResult> {
    const applied = (uuid: string): ApplyResult => ({
      outcome: 'applied',
      eventSourceMappingUuid: uuid,
      executionRoleArn: roleArn,
    });
    const giveUp = async (reason: string): Promise<ApplyResult> => {
      await roles.delete(roleArn, r.statementId);
      return refused(reason);
    };
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
      if (error instanceof GrantRejectedError) {
        return giveUp(`Lambda refused the event source mapping: ${error.message}`);
      }
      if (!(error instanceof RoleNotReadyError)) throw error;
    }
    // The IAM propagation grace counts from the approval.
    const waited = now.getTime() - approvedAt(r);
    if (waited > ROLE_PROPAGATION_GRACE_MS) return giveUp(unreadableReason(r, roleArn));
    // IAM propagation usually takes seconds: retry soon at first, then less often.
    const reason = 'the execution role cannot read the event source yet (IAM propagation)';
    return wait(Math.min(15_000, 2_000 + waited / 10), reason);
  }

  /** The grant's role policy: put back when gone, flagged when changed. */
  async function checkRolePolicy(r: MappingGrantRequest): Promise<Drift[]> {
    if (!r.executionRoleArn) return [];
    const document = await roles.read(r.executionRoleArn, r.statementId);
    if (document === null) {
      try {
        await roles.put(r.executionRoleArn, r.statementId, r.statement);
        return [{ action: 'REAPPLIED', part: 'rolePolicy', reason: 'the execution role policy was missing' }];
      } catch (error) {
        if (!isRefusal(error)) throw error;
        const reason = `the execution role policy is missing and was not put back: ${error.message}`;
        return [{ action: 'FLAGGED', part: 'rolePolicy', reason }];
      }
    }
    if (canonicalJson(document) === canonicalJson(roleDocument(r.statement))) return [];
    const reason = 'the execution role policy no longer grants what was approved';
    return [{ action: 'FLAGGED', part: 'rolePolicy', reason, detail: { found: canonicalHash(document) } }];
  }

  /** The grant's mapping: created again (its new uuid recorded) when gone, flagged when disabled. */
  async function checkMapping(r: MappingGrantRequest): Promise<Drift[]> {
    const mapping = r.eventSourceMappingUuid ? await mappings.get(r.eventSourceMappingUuid, r.functionArn) : null;
    if (mapping === null) {
      try {
        const uuid = await mappings.create(mappingSpec(r), r.id);
        const reason = 'the event source mapping was missing; created again';
        const detail = { eventSourceMappingUuid: uuid };
        return [{ action: 'REAPPLIED', part: 'mapping', reason, detail, mappingUuid: uuid }];
      } catch (error) {
        if (!isRefusal(error)) throw error;
        const reason = `the event source mapping is missing and was not created again: ${error.message}`;
        return [{ action: 'FLAGGED', part: 'mapping', reason }];
      }
    }
    if (!['Disabled', 'Disabling', 'Deleting'].includes(mapping.state)) return [];
    return [
      { action: 'FLAGGED', part: 'mapping', reason: `the event source mapping is ${mapping.state.toLowerCase()}` },
    ];
  }

  return {
    async apply(r, now) {
      const fn = await functions.resolve(r.functionArn, r.qualifier);
      if (!fn) return refused('the function no longer exists');
      assertOwnSid(r.statementId, settings.sidPrefix);
      const problem = await keyProblem(r);
      if (problem) return refused(problem);
      const used = await roles.inlinePolicySize(fn.roleArn, r.statementId);
      const needed = iamPolicyChars(roleDocument(r.statement));
      if (used + needed > ROLE_INLINE_POLICIES_LIMIT_CHARS) {
        return refused(
          `the execution role's inline policies would reach ${used + needed} characters, over IAM's limit of ${ROLE_INLINE_POLICIES_LIMIT_CHARS}`,
        );
      }
      await roles.put(fn.roleArn, r.statementId, r.statement);
      return createMapping(r, fn.roleArn, now);
    },

    async remove(r) {
      if (r.status !== 'APPROVED') {
        if (r.eventSourceMappingUuid) await mappings.delete(r.eventSourceMappingUuid, r.functionArn);
        if (r.executionRoleArn) await roles.delete(r.executionRoleArn, r.statementId);
        return;
      }
      // Ended before its apply was recorded (an allowlist change): remove whatever an interrupted apply left behind.
      assertOwnSid(r.statementId, settings.sidPrefix);
      const ours = (await mappings.find(mappingSpec(r))).filter((m) => m.owner === r.id);
      for (const m of ours) await mappings.delete(m.uuid, r.functionArn);
      const fn = await functions.resolve(r.functionArn, r.qualifier);
      if (fn) await roles.delete(fn.roleArn, r.statementId);
    },

    async check(r) {
      return [...(await checkRolePolicy(r)), ...(await checkMapping(r))];
    },
  };
}

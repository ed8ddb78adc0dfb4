/**
 * Invoke grants: a statement in the function's (or version's, alias's) resource policy. Writes to one policy run one at
 * a time in this process; Lambda's RevisionId catches the rest. Adoption (docs/adoption.md, Adopt) is this kind's too:
 * the broker's statement first, then the one it replaces (replace-adopted.ts).
 */
import { FunctionBusyError, GrantRejectedError, PolicyChangedError } from '../errors';
import type { InvokeGrantRequest } from '../model/request';
import type { PolicyTarget, ResourcePolicyGateway, Sleep } from '../ports';
import { adoptedStatementId } from '../rules/adoption';
import { canonicalHash } from '../rules/canonical-hash';
import { RESOURCE_POLICY_LIMIT_BYTES, resourcePolicyBytes } from '../rules/policy-limits';
import { sameStatement } from '../rules/statement-equivalence';
import type { BrokerSettings } from '../settings';
import { backoffMs } from './backoff';
import { assertOwnSid, refused, wait, type ApplyResult, type Drift, type GrantKind } from './grant-kind';
import { oneAtATime } from './one-at-a-time';
import { replaceAdopted } from './replace-adopted';

/** Re-reads after a stale revision or a busy policy: short, since each attempt costs control-plane budget. */
const POLICY_ATTEMPTS = 3;
/** A function being updated (a deploy) keeps Lambda answering 409 for seconds: come back after this. */
const FUNCTION_BUSY_RETRY_MS = 3_000;
const APPLIED: ApplyResult = { outcome: 'applied', eventSourceMappingUuid: null, executionRoleArn: null };

const target = (r: InvokeGrantRequest): PolicyTarget => ({ functionName: r.functionArn, qualifier: r.qualifier });
const policyKey = (r: InvokeGrantRequest) => `${r.functionArn}:${r.qualifier ?? ''}`;

export function makeInvokeGrant(deps: { policies: ResourcePolicyGateway; sleep: Sleep; settings: BrokerSettings }) {
  const { policies, sleep, settings } = deps;
  const perPolicy = oneAtATime();

  /** Our statement in place, added (RevisionId from the read before) and read back; never a broader one left. */
  async function applyStatement(r: InvokeGrantRequest): Promise<ApplyResult> {
    const wanted = r.statement;
    assertOwnSid(wanted.Sid, settings.sidPrefix);
    let busy = false;
    for (let attempt = 1; attempt <= POLICY_ATTEMPTS; attempt++) {
      const policy = await policies.read(target(r));
      const existing = policy?.statements.find((s) => s.Sid === wanted.Sid);
      if (existing) {
        if (sameStatement(existing, wanted)) return APPLIED;
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
      if (stored && sameStatement(stored, wanted)) return APPLIED;
      if (stored) {
        // Stored differently from what was approved (perhaps broader): never leave that in place.
        await policies.remove(target(r), wanted.Sid);
        return refused('Lambda stored the statement differently from the approved one; it was removed again');
      }
    }
    return wait(2_000, 'the resource policy kept changing');
  }

  /** The statement is missing: put it back, or say why it could not be. */
  async function reapply(r: InvokeGrantRequest): Promise<Drift> {
    const result = await perPolicy(policyKey(r), () => applyStatement(r));
    if (result.outcome === 'applied') {
      return { action: 'REAPPLIED', part: 'statement', reason: 'the statement was missing from the policy' };
    }
    const why = result.outcome === 'refused' ? result.reason : 'the policy kept changing';
    return { action: 'FLAGGED', part: 'statement', reason: `the statement is missing and was not re-applied: ${why}` };
  }

  const kind: GrantKind<InvokeGrantRequest> & { adopt(r: InvokeGrantRequest): Promise<ApplyResult> } = {
    apply: (r) => perPolicy(policyKey(r), () => applyStatement(r)),

    async remove(r) {
      assertOwnSid(r.statementId, settings.sidPrefix);
      await perPolicy(policyKey(r), () => policies.remove(target(r), r.statementId));
    },

    async check(r, seen) {
      const stored = seen.statements.find((s) => s.Sid === r.statementId);
      if (!stored) return [await reapply(r)];
      if (sameStatement(stored, r.statement)) return [];
      const reason = 'the statement in the policy no longer means what was approved (a deleted principal, a hand edit)';
      return [{ action: 'FLAGGED', part: 'statement', reason, detail: { found: canonicalHash(stored) } }];
    },

    /**
     * Finishes an adoption (docs/adoption.md, Adopt): applies the broker's own statement (added and read back, or found
     * in place by a retry) and only then removes the statement it replaces (replace-adopted.ts: only as recorded). The
     * one exception to "never touch a statement without our prefix", kept narrow: only the Sid the request's ADOPTED
     * event names, only in the request's own policy, only once our statement with the same meaning is verified there.
     * Should the removal fail, both stand (nothing is lost) and the request stays APPROVED: the next settle finds our
     * statement and removes the old one.
     */
    adopt(r) {
      const foreign = adoptedStatementId(r);
      if (foreign === null || foreign.startsWith(settings.sidPrefix)) {
        throw new Error(`request ${r.id} adopts no statement of someone else`);
      }
      return perPolicy(policyKey(r), async () => {
        const result = await applyStatement(r);
        if (result.outcome !== 'applied') return result;
        const replaced = await replaceAdopted(policies, r);
        if (replaced.outcome === 'busy') {
          return wait(1_000, 'the policy kept changing while the old statement was removed');
        }
        if (replaced.outcome === 'conflict') {
          const { statementId, reason, found } = replaced;
          return { ...result, adoptionConflict: { statementId, reason, found } };
        }
        return result;
      });
    },
  };
  return kind;
}

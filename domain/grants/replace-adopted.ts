/**
 * The last step of an adoption (docs/adoption.md, Adopt), once the broker's own statement is in place: the statement it
 * replaces is removed only while the policy still holds exactly the statement recorded when it was adopted (compared
 * after a fresh read), and the removal is conditioned on that read's RevisionId, so an owner who changes the statement
 * in between never loses it. A changed statement is left in place and reported as a conflict.
 */
import { PolicyChangedError } from '../errors';
import type { InvokeGrantRequest } from '../model/request';
import type { ResourcePolicyGateway } from '../ports';
import { canonicalHash, canonicalJson } from '../rules/canonical-hash';
import { adoptedStatement, adoptedStatementId } from '../rules/adoption';

export type ReplaceOutcome =
  | { outcome: 'replaced' }
  | { outcome: 'conflict'; statementId: string; reason: string; found: string }
  /** The policy changed under every attempt (an app team deploying): try again later. */
  | { outcome: 'busy' };

/** Reads before giving the removal up for now: each costs control-plane budget. */
const ATTEMPTS = 3;

export async function replaceAdopted(policies: ResourcePolicyGateway, r: InvokeGrantRequest): Promise<ReplaceOutcome> {
  const sid = adoptedStatementId(r) as string;
  const recorded = canonicalJson(adoptedStatement(r));
  const target = { functionName: r.functionArn, qualifier: r.qualifier };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const policy = await policies.read(target);
    const current = policy?.statements.find((s) => s.Sid === sid);
    if (!policy || !current) return { outcome: 'replaced' };
    if (canonicalJson(current) !== recorded) {
      const reason = `statement ${sid} changed after it was adopted; it was left in place`;
      return { outcome: 'conflict', statementId: sid, reason, found: canonicalHash(current) };
    }
    try {
      await policies.remove(target, sid, policy.revisionId);
      return { outcome: 'replaced' };
    } catch (error) {
      // Changed between the read and the removal: read again and compare again.
      if (!(error instanceof PolicyChangedError)) throw error;
    }
  }
  return { outcome: 'busy' };
}

/**
 * The preview of a function's policy with a grant's statement added (docs/policy-preview.md): sizes measured the way
 * Lambda measures its 20 KB limit, and the statements that already let the same principal in.
 */
import type { PolicyPreview } from '../model/policy-preview';
import type { ResourcePolicy } from '../ports';
import { overlapsOf } from '../rulebook/statement-overlap';
import type { InvokeStatement, RoleStatement } from '../../policies/statement-types';
import { RESOURCE_POLICY_LIMIT_BYTES, resourcePolicyBytes } from './policy-limits';

const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** `statement`: the grant's; an event source grant's goes to the execution role, so the policy stays as it is. */
export function previewPolicy(
  policy: ResourcePolicy | null,
  statement: InvokeStatement | RoleStatement,
  kind: 'invoke' | 'eventSourceMapping',
  at: Date,
): PolicyPreview {
  const statements = policy?.statements ?? [];
  const policyBytes = policy?.documentBytes ?? 0;
  // Already applied (an APPROVED grant whose work ran), the statement adds nothing more.
  const invoke =
    kind === 'invoke' && !statements.some((s) => s.Sid === statement.Sid) ? (statement as InvokeStatement) : null;
  // Added to a policy, a statement costs its own bytes and a comma; a first one brings the policy's wrapper.
  const added = invoke === null ? 0 : policy ? bytesOf(invoke) + 1 : resourcePolicyBytes([invoke]);
  return {
    readAt: at.toISOString(),
    policyBytes,
    policyBytesAfter: policyBytes + added,
    limitBytes: RESOURCE_POLICY_LIMIT_BYTES,
    statements: statements.length,
    overlaps: kind === 'invoke' ? overlapsOf(statements, statement as InvokeStatement) : [],
  };
}

/** The size limits AWS enforces on the documents the broker writes, measured the way AWS measures them. */
import type { RoleStatement } from '../../policies/statement-types';

/** Lambda resource policy: 20 KB per function/qualifier, not adjustable, on the compact JSON incl. wrapper. */
export const RESOURCE_POLICY_LIMIT_BYTES = 20_480;
/** IAM: all inline policies of one role together, whitespace not counted. */
export const ROLE_INLINE_POLICIES_LIMIT_CHARS = 10_240;

export function resourcePolicyBytes(statements: readonly unknown[]): number {
  const document = JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
  return new TextEncoder().encode(document).length;
}

export function roleDocument(statement: RoleStatement): { Version: '2012-10-17'; Statement: RoleStatement[] } {
  return { Version: '2012-10-17', Statement: [statement] };
}

export function iamPolicyChars(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

/**
 * The function's resource policy as it will be once a grant is added (docs/policy-preview.md): what an approver needs
 * to judge the statement in its place, not alone.
 */
export interface PolicyOverlap {
  statementId: string;
  /** Why it already lets the same principal in (or more), in words an approver reads. */
  reason: string;
}

export interface PolicyPreview {
  /** When the policy was read (GetPolicy). */
  readAt: string;
  /** The policy now, as GetPolicy returns it (0 when the function has none). */
  policyBytes: number;
  /** With the grant's statement added; the same as policyBytes for an event source grant, which adds none. */
  policyBytesAfter: number;
  limitBytes: number;
  /** Statements in the policy now. */
  statements: number;
  overlaps: PolicyOverlap[];
}

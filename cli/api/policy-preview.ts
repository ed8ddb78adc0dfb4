/**
 * The function's policy as it will be with a request's statement (docs/policy-preview.md), in the words the CLI and
 * the console show it. Brokers before v3 send no preview: then only the statement's own size can be told.
 */
export interface PolicyPreview {
  readAt: string;
  policyBytes: number;
  policyBytesAfter: number;
  limitBytes: number;
  statements: number;
  overlaps: { statementId: string; reason: string }[];
}

/** Lambda's resource policy limit, for brokers that send no preview. */
const POLICY_LIMIT_BYTES = 20_480;
const n = (value: number) => value.toLocaleString('en-US');

/** What the statement adds to the function's policy, in bytes. */
export function addedBytes(preview: PolicyPreview | null | undefined, statement: unknown): number {
  if (preview) return preview.policyBytesAfter - preview.policyBytes;
  return new TextEncoder().encode(JSON.stringify(statement)).length;
}

/** "policy 8,000 → 8,135 of 20,480 bytes (12,345 left), 19 statement(s) now". */
export function policySizeNote(preview: PolicyPreview | null | undefined, statement: unknown): string {
  if (!preview) {
    const bytes = addedBytes(preview, statement);
    return `adds ${n(bytes)} bytes to the function's policy (limit ${n(POLICY_LIMIT_BYTES)}; this broker does not preview the policy)`;
  }
  const left = preview.limitBytes - preview.policyBytesAfter;
  return (
    `policy ${n(preview.policyBytes)} → ${n(preview.policyBytesAfter)} of ${n(preview.limitBytes)} bytes ` +
    `(${n(left)} left), ${preview.statements} statement(s) now`
  );
}

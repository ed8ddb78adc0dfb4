/**
 * What a statement adds to a function's resource policy. Lambda caps a policy at 20,480 bytes of compact JSON
 * (facts/lambda.md); the API does not expose the current policy size, so clients can only show the statement's own
 * share and must say so.
 */
export const POLICY_LIMIT_BYTES = 20_480;

/** UTF-8 bytes of the statement's compact JSON, as it will sit in the policy. */
export function statementBytes(statement: unknown): number {
  return new TextEncoder().encode(JSON.stringify(statement)).length;
}

export function statementSizeNote(statement: unknown): string {
  const bytes = statementBytes(statement);
  return (
    `adds ${bytes.toLocaleString('en-US')} bytes to the function's policy (limit ${POLICY_LIMIT_BYTES.toLocaleString('en-US')}; ` +
    `the API does not expose the current policy size, so the bytes left cannot be shown)`
  );
}

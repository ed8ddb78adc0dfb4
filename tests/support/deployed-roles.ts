/** The role statements deploy/functions.js gives each function, split by the account they act in. */

/** Sid of the statements that let a function assume the spoke role in other accounts (deploy/functions.js). */
export const SPOKE_ACCESS_SID = 'SpokeAccounts';

interface WithStatements {
  iamRoleStatements: { Sid?: string; Action: string[] }[];
}

/** The functions with only the statements for the broker's own account (tests/integration/least-privilege.test.ts). */
export function withoutSpokeAccess<F extends WithStatements>(functions: Record<string, F>): Record<string, F> {
  return Object.fromEntries(
    Object.entries(functions).map(([name, fn]) => [
      name,
      { ...fn, iamRoleStatements: fn.iamRoleStatements.filter((s) => s.Sid !== SPOKE_ACCESS_SID) },
    ]),
  );
}

/** The functions that may assume the spoke role (tests/integration/spoke-privilege.test.ts). */
export function functionsWithSpokeAccess(functions: Record<string, WithStatements>): string[] {
  return Object.entries(functions)
    .filter(([, fn]) =>
      fn.iamRoleStatements.some((s) => s.Sid === SPOKE_ACCESS_SID && s.Action.includes('sts:AssumeRole')),
    )
    .map(([name]) => name)
    .sort();
}

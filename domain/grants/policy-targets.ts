/**
 * The resource policies the broker looks after: those of functions (and qualifiers) with ACTIVE invoke grants, and the
 * unqualified policy of every function in a target account that an allowlist entry matches. Sorted by key, so a
 * caller can page through them. A target account whose functions cannot be listed (its spoke role cannot be assumed)
 * is reported, not fatal.
 */
import { AccountUnreachableError } from '../errors';
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { FunctionDirectory, PolicyTarget, RequestStore } from '../ports';
import { coveredByAny } from '../rulebook/entry-fit';
import type { BrokerSettings } from '../settings';

export interface PolicyTargets {
  targets: PolicyTarget[];
  accountsUnreachable: string[];
}

const PAGE = 100;

/** `<function ARN>|<qualifier>`: sorts every qualifier of a function right after its unqualified policy. */
export function targetKey(t: PolicyTarget): string {
  return `${t.functionName}|${t.qualifier ?? ''}`;
}

export async function policyTargets(
  deps: { store: RequestStore; functions: FunctionDirectory; settings: Pick<BrokerSettings, 'targetAccounts'> },
  entries: readonly AllowlistEntry[],
): Promise<PolicyTargets> {
  const byKey = new Map<string, PolicyTarget>();
  const add = (t: PolicyTarget) => byKey.set(targetKey(t), t);
  let after: string | null = null;
  do {
    const page = await deps.store.list({
      sources: [{ kind: 'status', value: 'ACTIVE' }],
      status: 'ACTIVE',
      functionName: null,
      limit: PAGE,
      after,
    });
    for (const r of page.items) if (r.kind === 'invoke') add({ functionName: r.functionArn, qualifier: r.qualifier });
    after = page.next;
  } while (after !== null);

  const accountsUnreachable: string[] = [];
  for (const accountId of deps.settings.targetAccounts) {
    try {
      for (const arn of await deps.functions.listArns(accountId)) {
        if (coveredByAny(entries, arn)) add({ functionName: arn, qualifier: null });
      }
    } catch (error) {
      if (!(error instanceof AccountUnreachableError)) throw error;
      accountsUnreachable.push(accountId);
    }
  }
  const targets = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, t]) => t);
  return { targets, accountsUnreachable };
}

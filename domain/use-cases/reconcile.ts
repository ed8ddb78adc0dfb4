/**
 * Drift reconcile: compares each function's resource policy with the broker's ACTIVE invoke grants.
 * Input: none (admins, the hourly schedule). Output: what was checked, removed, re-applied or flagged.
 * Main course: targets = functions (and qualifiers) with ACTIVE grants ∪ functions any allowlist entry matches.
 * For each: broker-prefixed statements with no ACTIVE grant are orphans and are removed (statements of APPROVED
 * requests are in flight and left alone); an ACTIVE grant whose statement is gone is re-applied (FLAGGED when AWS
 * refuses); one whose statement is there but means something else (a deleted role now shown as its AROA… id, a
 * hand edit) is FLAGGED — never rewritten blindly. Drift is recorded in the request's history (DRIFT), which also
 * reaches Slack and metrics. Statements without the prefix are never touched.
 * Per target account: an account whose spoke role cannot be assumed is reported in `accountsUnreachable` and the
 * others are reconciled all the same.
 */
import { AccountUnreachableError } from '../errors';
import type { GrantOperator } from '../grants/grant-operator';
import type { GrantRequest, InvokeGrantRequest } from '../model/request';
import type {
  AllowlistStore,
  Clock,
  FunctionDirectory,
  PolicyTarget,
  RequestStore,
  ResourcePolicyGateway,
} from '../ports';
import { functionAccountOf } from '../rules/function-ref';
import { matchesAny } from '../rules/pattern';
import { sameStatement } from '../rules/statement-equivalence';
import type { BrokerSettings } from '../settings';
import { note } from '../state-machine';
import { BROKER_ACTOR } from './settle-request';
import { updateWithRetry } from './update-with-retry';

export interface ReconcileReport {
  checkedFunctions: number;
  orphansRemoved: { functionArn: string; statementId: string }[];
  missing: { requestId: string; functionArn: string; statementId: string; action: 'REAPPLIED' | 'FLAGGED' }[];
  accountsUnreachable: string[];
}

export interface ReconcileDeps {
  store: RequestStore;
  allowlist: AllowlistStore;
  functions: FunctionDirectory;
  policies: ResourcePolicyGateway;
  operator: GrantOperator;
  clock: Clock;
  settings: BrokerSettings;
}

const PAGE = 100;

async function allInStatus(store: RequestStore, status: 'ACTIVE'): Promise<GrantRequest[]> {
  const all: GrantRequest[] = [];
  let after: string | null = null;
  do {
    const page = await store.list({
      sources: [{ kind: 'status', value: status }],
      status,
      functionName: null,
      limit: PAGE,
      after,
    });
    all.push(...page.items);
    after = page.next;
  } while (after !== null);
  return all;
}

const targetKey = (t: PolicyTarget) => `${t.functionName}|${t.qualifier ?? ''}`;

export function makeReconcile(deps: ReconcileDeps) {
  const { store, allowlist, functions, policies, operator, clock, settings } = deps;

  async function recordDrift(request: InvokeGrantRequest, detail: Record<string, unknown>): Promise<void> {
    await updateWithRetry(store, request.id, (current) =>
      current.status === 'ACTIVE' ? note(current, 'DRIFT', { at: clock.now(), actor: BROKER_ACTOR, detail }) : current,
    );
  }

  return async function reconcile(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checkedFunctions: 0, orphansRemoved: [], missing: [], accountsUnreachable: [] };
    const unreachable = new Set<string>();
    /** Runs `work` unless `account` is known unreachable; learns that it is from the adapters. */
    async function inAccount(account: string, work: () => Promise<void>): Promise<void> {
      if (unreachable.has(account)) return;
      try {
        await work();
      } catch (error) {
        if (!(error instanceof AccountUnreachableError)) throw error;
        unreachable.add(error.accountId);
      }
    }
    const now = clock.now().toISOString();
    // Grants being revoked or past expiry are the sweep's to remove: never re-applied here.
    const active = (await allInStatus(store, 'ACTIVE')).filter(
      (r): r is InvokeGrantRequest => r.kind === 'invoke' && r.ending === null && (r.expiresAt ?? '') > now,
    );
    const inFlight = new Set((await store.approved(1000, null)).items.map((r) => r.statementId));

    const targets = new Map<string, { target: PolicyTarget; grants: InvokeGrantRequest[] }>();
    const targetOf = (t: PolicyTarget) => {
      let entry = targets.get(targetKey(t));
      if (!entry) targets.set(targetKey(t), (entry = { target: t, grants: [] }));
      return entry;
    };
    for (const r of active) targetOf({ functionName: r.functionArn, qualifier: r.qualifier }).grants.push(r);
    const patterns = (await allowlist.list()).flatMap((e) => e.functions);
    for (const account of settings.targetAccounts) {
      await inAccount(account, async () => {
        for (const arn of await functions.listArns(account)) {
          if (matchesAny(patterns, arn)) targetOf({ functionName: arn, qualifier: null });
        }
      });
    }

    for (const { target, grants } of targets.values()) {
      await inAccount(functionAccountOf(target.functionName), async () => {
        const statements = (await policies.read(target))?.statements ?? [];
        report.checkedFunctions++;
        const ours = statements.filter((s) => typeof s.Sid === 'string' && s.Sid.startsWith(settings.sidPrefix));
        const granted = new Set(grants.map((g) => g.statementId));
        for (const s of ours) {
          const sid = s.Sid as string;
          if (granted.has(sid) || inFlight.has(sid)) continue;
          await policies.remove(target, sid);
          report.orphansRemoved.push({ functionArn: target.functionName, statementId: sid });
        }
        for (const grant of grants) {
          const stored = ours.find((s) => s.Sid === grant.statementId);
          if (stored && sameStatement(stored, grant.statement)) continue;
          let action: 'REAPPLIED' | 'FLAGGED' = 'FLAGGED';
          let reason =
            'the statement in the policy no longer means what was approved (a deleted principal, a hand edit)';
          if (!stored) {
            const result = await operator.apply(grant, clock.now());
            action = result.outcome === 'applied' ? 'REAPPLIED' : 'FLAGGED';
            reason =
              result.outcome === 'applied'
                ? 'the statement was missing from the policy'
                : `missing and not re-applied: ${result.reason}`;
          }
          report.missing.push({
            requestId: grant.id,
            functionArn: grant.functionArn,
            statementId: grant.statementId,
            action,
          });
          await recordDrift(grant, { action, reason });
        }
      });
    }
    report.accountsUnreachable = [...unreachable].sort();
    return report;
  };
}

export type Reconcile = ReturnType<typeof makeReconcile>;

/**
 * The drift checks of one function, for one reconcile run (use-cases/reconcile.ts): its policies (unqualified, and
 * each version's and alias's) with their orphans, and each live grant through its kind's check (grant-kind.ts). Every
 * finding is acted on under the request's lease, on the request as stored then, and recorded once.
 */
import { AccountUnreachableError, UnavailableError } from '../errors';
import type { Drift, GrantOperator } from '../grants/grant-operator';
import type { GrantRequest } from '../model/request';
import type { Clock, FunctionDirectory, PolicyTarget, RequestStore, ResourcePolicyGateway } from '../ports';
import { canonicalJson } from '../rules/canonical-hash';
import type { BrokerSettings } from '../settings';
import { isTerminal, note } from '../state-machine';
import type { Pace } from './read-pacer';
import type { ReconcileReport } from './reconcile-report';
import { updateWithRetry } from './retry-on-stale';
import { BROKER_ACTOR, type SettleRequest } from './settle-request';

export interface FunctionCheckDeps {
  store: RequestStore;
  functions: FunctionDirectory;
  policies: ResourcePolicyGateway;
  operator: GrantOperator;
  settle: Pick<SettleRequest, 'exclusive'>;
  clock: Clock;
  settings: BrokerSettings;
}

/** The run a check belongs to: where findings go, until when it may work, and the pace of its policy reads. */
export interface ReconcileRun {
  report: ReconcileReport;
  deadline: Date;
  paceRead: Pace;
}

export const describeError = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** ACTIVE, not being revoked and not past its end: the grants reconcile keeps whole (the rest are the sweep's). */
function isWhole(r: GrantRequest, now: Date): boolean {
  return r.status === 'ACTIVE' && r.ending === null && Date.parse(r.expiresAt ?? '') > now.getTime();
}

export function makeFunctionCheck(deps: FunctionCheckDeps, run: ReconcileRun) {
  const { store, functions, policies, operator, settle, clock, settings } = deps;
  const { report, deadline } = run;
  const timeLeft = () => clock.now().getTime() < deadline.getTime();
  const live = (r: GrantRequest) => isWhole(r, clock.now());

  /** Records a finding in the answer, and in the request's history unless it is what was recorded last time. */
  async function found(request: GrantRequest, drift: Drift): Promise<void> {
    const { action, part, reason } = drift;
    const { id: requestId, functionArn, statementId } = request;
    report.missing.push({ requestId, functionArn, statementId, action, part, reason });
    const detail = { action, part, reason, ...drift.detail };
    await updateWithRetry(store, request.id, (current) => {
      if (current.status !== 'ACTIVE') return current;
      const last = [...current.history].reverse().find((e) => e.event === 'DRIFT' && e.detail.part === part);
      const repeat = action === 'FLAGGED' && last && canonicalJson(last.detail) === canonicalJson(detail);
      if (repeat) return current;
      const patch = drift.mappingUuid ? { eventSourceMappingUuid: drift.mappingUuid } : {};
      return note(current, 'DRIFT', { at: clock.now(), actor: BROKER_ACTOR, detail, patch });
    });
  }

  /** Runs `work` on the request as stored now, under its lease; skipped while another worker settles it. */
  const reread = (id: string, work: (current: GrantRequest | null) => Promise<void>) =>
    settle.exclusive(
      id,
      deadline,
      async () => work(await store.get(id)),
      () => undefined,
    );

  async function removeOrphan(target: PolicyTarget, sid: string): Promise<void> {
    await reread(sid.slice(settings.sidPrefix.length), async (request) => {
      // Became ACTIVE, or is being applied, since the grants were listed: not an orphan.
      if (request && !isTerminal(request.status)) return;
      await policies.remove(target, sid);
      report.orphansRemoved.push({ functionArn: target.functionName, qualifier: target.qualifier, statementId: sid });
    });
  }

  /** One live grant through its kind's check, on the request as stored now (revoked or ended since: left alone). */
  const checkGrant = (grant: GrantRequest, statements: readonly Record<string, unknown>[]) =>
    reread(grant.id, async (current) => {
      if (!current || current.kind !== grant.kind || !live(current)) return;
      for (const drift of await operator.check(current, { statements })) await found(current, drift);
    });

  /** One policy: orphans out, then each of its live invoke grants checked against the statements read. */
  async function checkPolicy(target: PolicyTarget, grants: readonly GrantRequest[]): Promise<void> {
    const resource = target.qualifier ? `${target.functionName}:${target.qualifier}` : target.functionName;
    await run.paceRead();
    if (!timeLeft()) throw new UnavailableError(`the reconcile run's time was up before ${resource} was read`);
    const statements = (await policies.read(target))?.statements ?? [];
    // By Resource too: each qualifier has a policy of its own at AWS (moto shares one, Resources still differ).
    const ours = statements.filter(
      (s) => typeof s.Sid === 'string' && s.Sid.startsWith(settings.sidPrefix) && s.Resource === resource,
    );
    report.checkedFunctions++;
    const granted = new Set(grants.map((g) => g.statementId));
    for (const s of ours) if (!granted.has(s.Sid as string)) await removeOrphan(target, s.Sid as string);
    for (const grant of grants.filter(live)) await checkGrant(grant, ours);
  }

  /** Everything of one function; a failing target is reported and the next one checked. */
  return async function checkFunction(
    functionArn: string,
    matched: boolean,
    grants: readonly GrantRequest[],
  ): Promise<void> {
    const attempt = async (qualifier: string | null, work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        // An account that cannot be reached, or the page's time running out: not this target's failure.
        if (error instanceof AccountUnreachableError || (error instanceof UnavailableError && !timeLeft())) throw error;
        report.failures.push({ functionArn, qualifier, error: describeError(error) });
      }
    };
    const invoke = grants.filter((g) => g.kind === 'invoke');
    const qualifiers = new Set<string | null>([null, ...invoke.map((g) => g.qualifier)]);
    if (matched) {
      await attempt(null, async () => {
        for (const q of await functions.listQualifiers(functionArn)) qualifiers.add(q);
      });
    }
    for (const qualifier of [...qualifiers].sort((a, b) => (a ?? '').localeCompare(b ?? ''))) {
      const target = { functionName: functionArn, qualifier };
      await attempt(qualifier, () =>
        checkPolicy(
          target,
          invoke.filter((g) => g.qualifier === qualifier),
        ),
      );
    }
    for (const grant of grants.filter((g) => g.kind !== 'invoke' && live(g))) {
      await attempt(grant.qualifier, () => checkGrant(grant, []));
    }
  };
}

/**
 * The drift checks of one function, for one reconcile run (use-cases/reconcile.ts): its policies (unqualified, and
 * each version's and alias's), and its event source grants' role policies and mappings. Every finding is read again
 * under the request's lease before anything is done, and recorded once (see reconcile.ts for the rules).
 */
import {
  AccountUnreachableError,
  GrantRejectedError,
  MappingExistsError,
  RoleNotReadyError,
  UnavailableError,
} from '../errors';
import type { GrantOperator } from '../grants/grant-operator';
import type { GrantRequest, InvokeGrantRequest, MappingGrantRequest } from '../model/request';
import type {
  Clock,
  EventSourceMappingGateway,
  ExecutionRoleGateway,
  FunctionDirectory,
  PolicyTarget,
  RequestStore,
  ResourcePolicyGateway,
} from '../ports';
import { canonicalHash, canonicalJson } from '../rules/canonical-hash';
import { roleDocument } from '../rules/policy-limits';
import { sameStatement } from '../rules/statement-equivalence';
import type { BrokerSettings } from '../settings';
import { isTerminal, note } from '../state-machine';
import type { DriftFinding, ReconcileReport } from './reconcile';
import { BROKER_ACTOR, type SettleRequest } from './settle-request';
import type { Pace } from './read-pacer';
import { updateWithRetry } from './retry-on-stale';

export interface FunctionCheckDeps {
  store: RequestStore;
  functions: FunctionDirectory;
  policies: ResourcePolicyGateway;
  roles: ExecutionRoleGateway;
  mappings: EventSourceMappingGateway;
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

/** AWS refused a repair for good (or not yet, for IAM propagation): flagged, not a failure of the run. */
const isRefusal = (error: unknown): error is Error =>
  error instanceof GrantRejectedError || error instanceof MappingExistsError || error instanceof RoleNotReadyError;
export const describeError = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** ACTIVE, not being revoked and not past its end: the grants reconcile keeps whole (the rest are the sweep's). */
function isWhole(r: GrantRequest, now: Date): boolean {
  return r.status === 'ACTIVE' && r.ending === null && Date.parse(r.expiresAt ?? '') > now.getTime();
}

export function makeFunctionCheck(deps: FunctionCheckDeps, run: ReconcileRun) {
  const { store, functions, policies, roles, mappings, operator, settle, clock, settings } = deps;
  const { report, deadline } = run;
  const timeLeft = () => clock.now().getTime() < deadline.getTime();
  const live = (r: GrantRequest) => isWhole(r, clock.now());

  /** Records a finding in the answer, and in the request's history unless it is what was recorded last time. */
  async function found(
    request: GrantRequest,
    finding: Omit<DriftFinding, 'requestId' | 'functionArn' | 'statementId'>,
    extra: { detail?: Record<string, unknown>; mappingUuid?: string } = {},
  ): Promise<void> {
    report.missing.push({
      requestId: request.id,
      functionArn: request.functionArn,
      statementId: request.statementId,
      ...finding,
    });
    const detail = { action: finding.action, part: finding.part, reason: finding.reason, ...extra.detail };
    await updateWithRetry(store, request.id, (current) => {
      if (current.status !== 'ACTIVE') return current;
      const last = [...current.history].reverse().find((e) => e.event === 'DRIFT' && e.detail.part === finding.part);
      const repeat = finding.action === 'FLAGGED' && last && canonicalJson(last.detail) === canonicalJson(detail);
      if (repeat) return current;
      const patch = extra.mappingUuid ? { eventSourceMappingUuid: extra.mappingUuid } : {};
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

  async function reapply(grant: InvokeGrantRequest): Promise<void> {
    await reread(grant.id, async (current) => {
      // Revoked, ended or past its end since the grants were listed: never put back.
      if (!current || !live(current)) return;
      const result = await operator.apply(current, clock.now());
      await found(
        current,
        result.outcome === 'applied'
          ? { action: 'REAPPLIED', part: 'statement', reason: 'the statement was missing from the policy' }
          : {
              action: 'FLAGGED',
              part: 'statement',
              reason: `the statement is missing and was not re-applied: ${result.outcome === 'refused' ? result.reason : 'the policy kept changing'}`,
            },
      );
    });
  }

  /** One policy: orphans out, missing statements back, changed ones flagged. */
  async function checkPolicy(target: PolicyTarget, grants: readonly InvokeGrantRequest[]): Promise<void> {
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
    for (const grant of grants.filter(live)) {
      const stored = ours.find((s) => s.Sid === grant.statementId);
      if (!stored) await reapply(grant);
      else if (!sameStatement(stored, grant.statement)) {
        await found(
          grant,
          {
            action: 'FLAGGED',
            part: 'statement',
            reason: 'the statement in the policy no longer means what was approved (a deleted principal, a hand edit)',
          },
          { detail: { found: canonicalHash(stored) } },
        );
      }
    }
  }

  /** An event source grant's role policy: put back when gone, flagged when changed. */
  async function checkRolePolicy(grant: MappingGrantRequest): Promise<void> {
    if (!grant.executionRoleArn) return;
    const document = await roles.read(grant.executionRoleArn, grant.statementId);
    if (document === null) {
      try {
        await roles.put(grant.executionRoleArn, grant.statementId, grant.statement);
        await found(grant, {
          action: 'REAPPLIED',
          part: 'rolePolicy',
          reason: 'the execution role policy was missing',
        });
      } catch (error) {
        if (!isRefusal(error)) throw error;
        const reason = `the execution role policy is missing and was not put back: ${error.message}`;
        await found(grant, { action: 'FLAGGED', part: 'rolePolicy', reason });
      }
    } else if (canonicalJson(document) !== canonicalJson(roleDocument(grant.statement))) {
      const reason = 'the execution role policy no longer grants what was approved';
      await found(
        grant,
        { action: 'FLAGGED', part: 'rolePolicy', reason },
        { detail: { found: canonicalHash(document) } },
      );
    }
  }

  /** An event source grant's mapping: created again (its new uuid recorded) when gone, flagged when disabled. */
  async function checkMapping(grant: MappingGrantRequest): Promise<void> {
    const mapping = grant.eventSourceMappingUuid
      ? await mappings.get(grant.eventSourceMappingUuid, grant.functionArn)
      : null;
    if (mapping === null) {
      try {
        const uuid = await mappings.create(
          {
            functionName: grant.functionArn,
            qualifier: grant.qualifier,
            eventSourceArn: grant.eventSourceArn,
            batchSize: grant.batchSize,
          },
          grant.id,
        );
        const reason = 'the event source mapping was missing; created again';
        const extra = { detail: { eventSourceMappingUuid: uuid }, mappingUuid: uuid };
        await found(grant, { action: 'REAPPLIED', part: 'mapping', reason }, extra);
      } catch (error) {
        if (!isRefusal(error)) throw error;
        const reason = `the event source mapping is missing and was not created again: ${error.message}`;
        await found(grant, { action: 'FLAGGED', part: 'mapping', reason });
      }
    } else if (['Disabled', 'Disabling', 'Deleting'].includes(mapping.state)) {
      const reason = `the event source mapping is ${mapping.state.toLowerCase()}`;
      await found(grant, { action: 'FLAGGED', part: 'mapping', reason });
    }
  }

  async function checkMappingGrant(grant: MappingGrantRequest): Promise<void> {
    await reread(grant.id, async (current) => {
      if (!current || current.kind !== 'eventSourceMapping' || !live(current)) return;
      await checkRolePolicy(current);
      await checkMapping(current);
    });
  }

  /** Everything of one function; a failing target is reported and the next one checked. */
  async function checkFunction(functionArn: string, matched: boolean, grants: readonly GrantRequest[]): Promise<void> {
    const attempt = async (qualifier: string | null, work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        // An account that cannot be reached, or the page's time running out: not this target's failure.
        if (error instanceof AccountUnreachableError || (error instanceof UnavailableError && !timeLeft())) throw error;
        report.failures.push({ functionArn, qualifier, error: describeError(error) });
      }
    };
    const invoke = grants.filter((g): g is InvokeGrantRequest => g.kind === 'invoke');
    const qualifiers = new Set<string | null>([null, ...invoke.map((g) => g.qualifier)]);
    if (matched) {
      await attempt(null, async () => {
        for (const q of await functions.listQualifiers(functionArn)) qualifiers.add(q);
      });
    }
    const ordered = [...qualifiers].sort((a, b) => (a ?? '').localeCompare(b ?? ''));
    for (const qualifier of ordered) {
      const target = { functionName: functionArn, qualifier };
      await attempt(qualifier, () =>
        checkPolicy(
          target,
          invoke.filter((g) => g.qualifier === qualifier),
        ),
      );
    }
    for (const grant of grants) {
      if (grant.kind === 'eventSourceMapping' && live(grant))
        await attempt(grant.qualifier, () => checkMappingGrant(grant));
    }
  }

  return checkFunction;
}

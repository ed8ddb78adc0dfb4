/**
 * In-memory AWS-side gateways for use-case tests. They follow AWS's rules (not moto's): duplicate Sid → 409,
 * stale RevisionId → 412, 20 KB policy limit. `failures` queues errors to throw from the next calls of a method.
 */
import {
  FunctionBusyError,
  GrantRejectedError,
  MappingExistsError,
  PolicyChangedError,
  UnavailableError,
} from '../../domain/errors';
import type {
  EventSourceKeys,
  EventSourceMappingGateway,
  FoundMapping,
  ExecutionRoleGateway,
  MappingSpec,
  MappingState,
  PolicyAnalyzer,
  PolicyFinding,
  PolicyTarget,
  ResourcePolicy,
  ResourcePolicyGateway,
  SourceDirectory,
  SourceLookup,
} from '../../domain/ports';
import { OWNER_TAG } from '../../adapters/lambda/event-source-mapping-gateway';
import { addPermissionInput } from '../../adapters/lambda/resource-policy-gateway';
import { ACCOUNT_ID, parseArn } from '../../domain/rules/arn';
import { iamPolicyChars, resourcePolicyBytes, roleDocument } from '../../domain/rules/policy-limits';
import type { InvokeStatement, RoleStatement } from '../../policies/statement-types';

type Failures<M extends string> = Partial<Record<M, Error[]>>;

function takeFailure<M extends string>(failures: Failures<M>, method: M): void {
  const next = failures[method]?.shift();
  if (next) throw next;
}

const keyOf = (t: PolicyTarget) => `${t.functionName}:${t.qualifier ?? ''}`;

/**
 * The statement as Lambda stores it from the AddPermission call the adapter would send: an account id becomes its
 * root ARN in the function's own partition (aws-cn, aws-us-gov, …), whatever the broker built.
 */
function asLambdaStores(target: PolicyTarget, statement: InvokeStatement): InvokeStatement {
  const sent = addPermissionInput(target, statement, null).Principal;
  if (!ACCOUNT_ID.test(sent)) return structuredClone(statement);
  const partition = parseArn(statement.Resource)?.partition ?? '';
  return { ...structuredClone(statement), Principal: { AWS: `arn:${partition}:iam::${sent}:root` } };
}

export class InMemoryResourcePolicies implements ResourcePolicyGateway {
  readonly policies = new Map<string, { statements: Record<string, unknown>[]; revision: number }>();
  readonly calls: string[] = [];
  readonly failures: Failures<'read' | 'add' | 'remove'> = {};

  statements(functionArn: string, qualifier: string | null = null): Record<string, unknown>[] {
    return this.policies.get(keyOf({ functionName: functionArn, qualifier }))?.statements ?? [];
  }

  seed(functionArn: string, statements: Record<string, unknown>[]): void {
    this.policies.set(keyOf({ functionName: functionArn, qualifier: null }), { statements, revision: 1 });
  }

  /** Runs just before a read looks at the policy and just after it has (tests interleave other work there). */
  interleave: ((target: PolicyTarget, moment: 'before' | 'after') => Promise<void>) | null = null;

  async read(target: PolicyTarget): Promise<ResourcePolicy | null> {
    this.calls.push('read');
    takeFailure(this.failures, 'read');
    await this.interleave?.(target, 'before');
    const policy = this.policies.get(keyOf(target));
    const seen =
      !policy || policy.statements.length === 0
        ? null
        : {
            statements: structuredClone(policy.statements),
            revisionId: String(policy.revision),
            documentBytes: resourcePolicyBytes(policy.statements),
          };
    await this.interleave?.(target, 'after');
    return seen;
  }

  /** Answers with the statement as stored, as Lambda's AddPermission does (unless `silentAdds`). */
  silentAdds = false;

  add(
    target: PolicyTarget,
    statement: InvokeStatement,
    revisionId: string | null,
  ): Promise<Record<string, unknown> | null> {
    this.calls.push('add');
    takeFailure(this.failures, 'add');
    const policy = this.policies.get(keyOf(target)) ?? { statements: [], revision: 0 };
    if (revisionId !== null && revisionId !== String(policy.revision))
      return Promise.reject(new PolicyChangedError('412'));
    if (policy.statements.some((s) => s.Sid === statement.Sid)) return Promise.reject(new FunctionBusyError('409'));
    if (resourcePolicyBytes([...policy.statements, statement]) > 20_480) {
      return Promise.reject(new GrantRejectedError('PolicyLengthExceededException'));
    }
    const stored = asLambdaStores(target, statement) as unknown as Record<string, unknown>;
    this.policies.set(keyOf(target), { statements: [...policy.statements, stored], revision: policy.revision + 1 });
    return Promise.resolve(this.silentAdds ? null : structuredClone(stored));
  }

  remove(target: PolicyTarget, sid: string, revisionId: string | null = null): Promise<'removed' | 'absent'> {
    this.calls.push('remove');
    takeFailure(this.failures, 'remove');
    const policy = this.policies.get(keyOf(target));
    if (revisionId !== null && revisionId !== String(policy?.revision ?? 0)) {
      return Promise.reject(new PolicyChangedError('412'));
    }
    if (!policy?.statements.some((s) => s.Sid === sid)) return Promise.resolve('absent');
    policy.statements = policy.statements.filter((s) => s.Sid !== sid);
    policy.revision++;
    return Promise.resolve('removed');
  }
}

export class InMemoryRoles implements ExecutionRoleGateway {
  readonly roles = new Map<string, Map<string, unknown>>();
  readonly failures: Failures<'put' | 'delete'> = {};
  /** Roles deleted behind the broker's back: IAM answers NoSuchEntity (the adapter's GrantRejectedError). */
  readonly deleted = new Set<string>();

  policies(roleArn: string): Map<string, unknown> {
    let role = this.roles.get(roleArn);
    if (!role) this.roles.set(roleArn, (role = new Map()));
    return role;
  }

  inlinePolicySize(roleArn: string, except: string): Promise<number> {
    if (this.deleted.has(roleArn))
      return Promise.reject(new GrantRejectedError(`execution role ${roleArn} does not exist`));
    let total = 0;
    for (const [name, doc] of this.policies(roleArn)) if (name !== except) total += iamPolicyChars(doc);
    return Promise.resolve(total);
  }

  put(roleArn: string, policyName: string, statement: RoleStatement): Promise<void> {
    takeFailure(this.failures, 'put');
    this.policies(roleArn).set(policyName, roleDocument(statement));
    return Promise.resolve();
  }

  delete(roleArn: string, policyName: string): Promise<'removed' | 'absent'> {
    takeFailure(this.failures, 'delete');
    return Promise.resolve(this.policies(roleArn).delete(policyName) ? 'removed' : 'absent');
  }

  read(roleArn: string, policyName: string): Promise<unknown> {
    return Promise.resolve(structuredClone(this.policies(roleArn).get(policyName) ?? null));
  }
}

/** Mappings as Lambda keeps them: one per function and source (409 on a second), each with its tags. */
export class InMemoryMappings implements EventSourceMappingGateway {
  /** `state` as Lambda reports it; tests may set Disabled. */
  readonly mappings = new Map<
    string,
    MappingSpec & { lastModified: string; tags: Record<string, string>; state?: string }
  >();
  readonly failures: Failures<'create' | 'delete'> = {};
  private next = 1;

  constructor(private readonly now: () => Date) {}

  create(spec: MappingSpec, owner: string): Promise<string> {
    takeFailure(this.failures, 'create');
    return Promise.resolve(this.add(spec, { [OWNER_TAG]: owner }));
  }

  /** A mapping made outside the broker (by an app team, say): no owner tag, or the tags given. */
  add(spec: MappingSpec, tags: Record<string, string> = {}): string {
    if (this.matching(spec).length > 0) throw new MappingExistsError();
    const uuid = `mapping-${this.next++}`;
    this.mappings.set(uuid, { ...spec, lastModified: this.now().toISOString(), tags });
    return uuid;
  }

  /** UpdateEventSourceMapping (an app team disabling and enabling it): LastModified moves, the owner does not. */
  toggle(uuid: string): void {
    const mapping = this.mappings.get(uuid);
    if (mapping) mapping.lastModified = this.now().toISOString();
  }

  find(spec: MappingSpec): Promise<FoundMapping[]> {
    return Promise.resolve(this.matching(spec).map(([uuid, m]) => ({ uuid, owner: m.tags[OWNER_TAG] ?? null })));
  }

  delete(uuid: string): Promise<'removed' | 'absent'> {
    takeFailure(this.failures, 'delete');
    return Promise.resolve(this.mappings.delete(uuid) ? 'removed' : 'absent');
  }

  get(uuid: string): Promise<MappingState | null> {
    const m = this.mappings.get(uuid);
    if (!m) return Promise.resolve(null);
    const fn = m.qualifier ? `${m.functionName}:${m.qualifier}` : m.functionName;
    return Promise.resolve({ state: m.state ?? 'Enabled', eventSourceArn: m.eventSourceArn, functionArn: fn });
  }

  private matching(spec: MappingSpec) {
    return [...this.mappings.entries()].filter(
      ([, m]) =>
        m.functionName === spec.functionName &&
        m.qualifier === spec.qualifier &&
        m.eventSourceArn === spec.eventSourceArn,
    );
  }
}

/** Event source keys as a table: source ARN → the customer-managed key, or an error to throw for it. */
export class InMemoryEventSourceKeys implements EventSourceKeys {
  readonly keys = new Map<string, string | Error>();

  decryptKeyOf(eventSourceArn: string): Promise<string | null> {
    const key = this.keys.get(eventSourceArn);
    if (key instanceof Error) return Promise.reject(key);
    return Promise.resolve(key ?? null);
  }
}

/**
 * Every source exists unless named in `missing` (or `unreadable`; `throttled` throws UnavailableError); `lookups`
 * records what was asked.
 */
export class InMemorySources implements SourceDirectory {
  readonly missing = new Set<string>();
  readonly unreadable = new Set<string>();
  readonly throttled = new Set<string>();
  readonly lookups: { arn: string; account: string }[] = [];

  lookup(source: { arn: string; account: string }): Promise<SourceLookup> {
    this.lookups.push(source);
    if (this.throttled.has(source.arn)) return Promise.reject(new UnavailableError('SNS is unavailable (Throttling)'));
    if (this.missing.has(source.arn)) return Promise.resolve({ state: 'missing', reason: `no ${source.arn}` });
    if (this.unreadable.has(source.arn)) return Promise.resolve({ state: 'unreadable', reason: 'AccessDenied' });
    return Promise.resolve({ state: 'exists' });
  }
}

/** Answers `findings` for every policy and keeps the documents it was given. */
export class InMemoryPolicyAnalyzer implements PolicyAnalyzer {
  findingsToAnswer: PolicyFinding[] = [];
  readonly documents: string[] = [];

  findings(policyDocument: string): Promise<PolicyFinding[]> {
    this.documents.push(policyDocument);
    return Promise.resolve(structuredClone(this.findingsToAnswer));
  }
}

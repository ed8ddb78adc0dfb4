/**
 * Applies, removes and checks the AWS side of a grant: the module of its kind does it (grant-kind.ts), chosen here by
 * the request's `kind`. apply → applied | refused (permanent, nothing left behind) | wait (retry after a pause);
 * transient AWS trouble throws UnavailableError. remove → resolves when nothing of the grant is left.
 */
import type { GrantRequest, InvokeGrantRequest, MappingGrantRequest } from '../model/request';
import type {
  EventSourceKeys,
  EventSourceMappingGateway,
  ExecutionRoleGateway,
  FunctionDirectory,
  ResourcePolicyGateway,
  Sleep,
} from '../ports';
import type { BrokerSettings } from '../settings';
import type { ApplyResult, CheckContext, Drift, GrantKind } from './grant-kind';
import { makeInvokeGrant } from './invoke-grant';
import { makeMappingGrant } from './mapping-grant';

export type { ApplyResult, Drift, DriftPart } from './grant-kind';
export { ROLE_PROPAGATION_GRACE_MS } from './mapping-grant';

export interface GrantOperatorDeps {
  policies: ResourcePolicyGateway;
  roles: ExecutionRoleGateway;
  mappings: EventSourceMappingGateway;
  functions: FunctionDirectory;
  keys: EventSourceKeys;
  sleep: Sleep;
  settings: BrokerSettings;
}

/** The request type of each kind. */
interface ByKind {
  invoke: InvokeGrantRequest;
  eventSourceMapping: MappingGrantRequest;
}

export function makeGrantOperator(deps: GrantOperatorDeps) {
  const invoke = makeInvokeGrant(deps);
  const kinds: { [K in keyof ByKind]: GrantKind<ByKind[K]> } = { invoke, eventSourceMapping: makeMappingGrant(deps) };
  const kindOf = <R extends GrantRequest>(r: R) => kinds[r.kind] as unknown as GrantKind<R>;

  return {
    /** `now` dates the IAM propagation grace of event source grants. */
    apply: (r: GrantRequest, now: Date): Promise<ApplyResult> => kindOf(r).apply(r, now),
    /** Finishes an adoption: the broker's statement, then the one it replaces (invoke-grant.ts). */
    adopt: (r: InvokeGrantRequest): Promise<ApplyResult> => invoke.adopt(r),
    remove: (r: GrantRequest): Promise<void> => kindOf(r).remove(r),
    /** Drift of a live grant (reconcile): repaired where it can be, flagged where not; [] when whole. */
    check: (r: GrantRequest, seen: CheckContext): Promise<Drift[]> => kindOf(r).check(r, seen),
  };
}

export type GrantOperator = ReturnType<typeof makeGrantOperator>;

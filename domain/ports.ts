/** The ports the use cases need; adapters/ implements them. Named after their role, injected by composition. */
import type { AllowlistEntry } from './model/allowlist-entry';
import type { GrantRequest, RequestStatus } from './model/request';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new, unguessable request id of [A-Za-z0-9-] characters. */
  requestId(): string;
}

export interface IdempotencyClaim {
  caller: string;
  key: string;
  bodyHash: string;
  /** The claim lapses after this instant (24 h after creation). */
  expiresAt: string;
}

export type CreateOutcome = { created: true } | { created: false; existing: { requestId: string; bodyHash: string } };

export interface ListSource {
  kind: 'requester' | 'entry' | 'status';
  value: string;
}

export interface ListQuery {
  sources: ListSource[];
  status: RequestStatus | null;
  /** Matches the function name or its unqualified ARN. */
  functionName: string | null;
  limit: number;
  /** Only items strictly older than this list position (`<createdAt>#<id>`). */
  after: string | null;
}

export interface ListPage {
  items: GrantRequest[];
  /** Position of the last item when more may follow. */
  next: string | null;
}

export interface RequestStore {
  /** Stores a new request; with a claim, only if no live claim holds that caller and key. */
  create(request: GrantRequest, claim: IdempotencyClaim | null, now: Date): Promise<CreateOutcome>;
  /** A live idempotency claim (not yet lapsed at `now`) for this caller and key. */
  findClaim(caller: string, key: string, now: Date): Promise<{ requestId: string; bodyHash: string } | null>;
  get(id: string): Promise<GrantRequest | null>;
  /** Stores `next` if the stored request is still `previous` (same version); returns it with its new version. */
  update(previous: GrantRequest, next: GrantRequest): Promise<GrantRequest>;
  list(query: ListQuery): Promise<ListPage>;
}

export interface AllowlistStore {
  put(entry: AllowlistEntry): Promise<void>;
  get(id: string): Promise<AllowlistEntry | null>;
  list(): Promise<AllowlistEntry[]>;
  /** Returns false when there was nothing to delete. */
  delete(id: string): Promise<boolean>;
}

export interface ResolvedFunction {
  /** Unqualified ARN as Lambda reports it. */
  functionArn: string;
  /** The execution role (event source grants add to it). */
  roleArn: string;
}

export interface FunctionDirectory {
  /** Null when the function, version or alias does not exist. */
  resolve(name: string, qualifier: string | null): Promise<ResolvedFunction | null>;
}

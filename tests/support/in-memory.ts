/** In-memory port implementations for use-case tests: same contracts as the DynamoDB adapters, no I/O. */
import { StaleRequestError } from '../../domain/errors';
import type { AllowlistEntry } from '../../domain/model/allowlist-entry';
import type { GrantRequest } from '../../domain/model/request';
import { listPosition } from '../../domain/rules/list-cursor';
import type {
  AllowlistStore,
  Clock,
  CreateOutcome,
  FunctionDirectory,
  IdempotencyClaim,
  IdGenerator,
  ListPage,
  ListQuery,
  RequestStore,
  ResolvedFunction,
} from '../../domain/ports';

export class FixedClock implements Clock {
  constructor(private current = new Date('2026-11-26T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

export class SequentialIds implements IdGenerator {
  private next = 1;
  requestId(): string {
    return `00000000-0000-4000-8000-${String(this.next++).padStart(12, '0')}`;
  }
}

export class InMemoryRequestStore implements RequestStore {
  readonly requests = new Map<string, GrantRequest>();
  readonly claims = new Map<string, IdempotencyClaim & { requestId: string }>();

  create(request: GrantRequest, claim: IdempotencyClaim | null, now: Date): Promise<CreateOutcome> {
    if (claim) {
      const existing = this.claims.get(`${claim.caller}#${claim.key}`);
      if (existing && existing.expiresAt > now.toISOString()) {
        return Promise.resolve({
          created: false,
          existing: { requestId: existing.requestId, bodyHash: existing.bodyHash },
        });
      }
      this.claims.set(`${claim.caller}#${claim.key}`, { ...claim, requestId: request.id });
    }
    this.requests.set(request.id, structuredClone(request));
    return Promise.resolve({ created: true });
  }

  findClaim(caller: string, key: string, now: Date) {
    const claim = this.claims.get(`${caller}#${key}`);
    return Promise.resolve(
      claim && claim.expiresAt > now.toISOString() ? { requestId: claim.requestId, bodyHash: claim.bodyHash } : null,
    );
  }

  get(id: string): Promise<GrantRequest | null> {
    const found = this.requests.get(id);
    return Promise.resolve(found ? structuredClone(found) : null);
  }

  update(previous: GrantRequest, next: GrantRequest): Promise<GrantRequest> {
    const current = this.requests.get(previous.id);
    if (!current || current.version !== previous.version) return Promise.reject(new StaleRequestError(previous.id));
    const stored = { ...structuredClone(next), version: previous.version + 1 };
    this.requests.set(stored.id, stored);
    return Promise.resolve(structuredClone(stored));
  }

  pendingCreatedBy(cutoff: string, limit: number): Promise<GrantRequest[]> {
    return this.select(
      (r) => r.status === 'PENDING' && r.createdAt <= cutoff,
      (r) => r.createdAt,
      limit,
    );
  }

  approved(limit: number): Promise<GrantRequest[]> {
    return this.select(
      (r) => r.status === 'APPROVED',
      (r) => r.createdAt,
      limit,
    );
  }

  dueActive(now: string, limit: number): Promise<GrantRequest[]> {
    const dueAt = (r: GrantRequest) => r.ending?.requestedAt ?? r.expiresAt ?? '';
    return this.select((r) => r.status === 'ACTIVE' && dueAt(r) <= now, dueAt, limit);
  }

  private select(keep: (r: GrantRequest) => boolean, order: (r: GrantRequest) => string, limit: number) {
    const found = [...this.requests.values()].filter(keep).sort((a, b) => (order(a) < order(b) ? -1 : 1));
    return Promise.resolve(structuredClone(found.slice(0, limit)));
  }

  list(query: ListQuery): Promise<ListPage> {
    const visible = [...this.requests.values()].filter((r) =>
      query.sources.some(
        (s) =>
          (s.kind === 'requester' && r.requester === s.value) ||
          (s.kind === 'entry' && r.allowlistEntryId === s.value) ||
          (s.kind === 'status' && r.status === s.value),
      ),
    );
    const matching = visible
      .filter((r) => query.status === null || r.status === query.status)
      .filter((r) => query.after === null || listPosition(r) < query.after)
      .sort((a, b) => (listPosition(a) < listPosition(b) ? 1 : -1));
    const items = matching.slice(0, query.limit);
    const last = items[items.length - 1];
    return Promise.resolve({
      items: structuredClone(items),
      next: matching.length > query.limit && last ? listPosition(last) : null,
    });
  }
}

export class InMemoryAllowlist implements AllowlistStore {
  readonly entries = new Map<string, AllowlistEntry>();
  put(entry: AllowlistEntry): Promise<void> {
    this.entries.set(entry.id, structuredClone(entry));
    return Promise.resolve();
  }
  get(id: string): Promise<AllowlistEntry | null> {
    return Promise.resolve(this.entries.get(id) ?? null);
  }
  list(): Promise<AllowlistEntry[]> {
    return Promise.resolve([...this.entries.values()]);
  }
  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.entries.delete(id));
  }
}

/** Knows a fixed set of functions (and `name:qualifier` pairs); records what it was asked. */
export class StaticFunctionDirectory implements FunctionDirectory {
  readonly calls: { name: string; qualifier: string | null }[] = [];
  constructor(
    private readonly known: Record<string, ResolvedFunction>,
    private readonly qualifiers: string[] = [],
  ) {}
  listArns(): Promise<string[]> {
    return Promise.resolve(Object.values(this.known).map((f) => f.functionArn));
  }

  resolve(name: string, qualifier: string | null): Promise<ResolvedFunction | null> {
    this.calls.push({ name, qualifier });
    const fn = this.known[name];
    if (!fn || (qualifier !== null && !this.qualifiers.includes(`${name}:${qualifier}`))) return Promise.resolve(null);
    return Promise.resolve(fn);
  }
}

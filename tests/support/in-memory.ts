/** In-memory port implementations for use-case tests: same contracts as the DynamoDB adapters, no I/O. */
import { StaleRequestError } from '../../domain/errors';
import type { AllowlistEntry } from '../../domain/model/allowlist-entry';
import type { AllowlistChange } from '../../domain/model/allowlist-change';
import type { AuditRecord } from '../../domain/model/audit-record';
import type { EntryChange } from '../../domain/model/entry-change';
import { auditPosition } from '../../domain/use-cases/read-audit';
import type { GrantRequest } from '../../domain/model/request';
import { duePosition } from '../../domain/rules/due-work';
import { functionNameOf } from '../../domain/rules/function-ref';
import { listPosition } from '../../domain/rules/list-cursor';
import type {
  AllowlistChangeStore,
  AllowlistStore,
  AuditLog,
  AuditQuery,
  CallDeadlines,
  Clock,
  CreateOutcome,
  DispatchClaims,
  DuePage,
  FunctionDirectory,
  IdempotencyClaim,
  IdGenerator,
  ListPage,
  ListQuery,
  PendingRecheck,
  ReconcileProgress,
  ReconcileProgressStore,
  RequestStore,
  RoleDirectory,
  GroupDirectory,
  ResolvedFunction,
  WorkLeases,
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

/** One stored change, as the table's stream reports it. */
export interface StoredChange {
  before: GrantRequest | null;
  after: GrantRequest;
}

export class InMemoryRequestStore implements RequestStore {
  readonly requests = new Map<string, GrantRequest>();
  readonly claims = new Map<string, IdempotencyClaim & { requestId: string }>();
  /** Every write in order, like the table's stream (consumed by the in-memory pipeline). */
  readonly changes: StoredChange[] = [];

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
    this.changes.push({ before: null, after: structuredClone(request) });
    return Promise.resolve({ created: true });
  }

  pendingBy(person: string, since: string, max: number): Promise<number> {
    const pending = [...this.requests.values()].filter(
      (r) => r.requesterPerson === person && r.status === 'PENDING' && r.createdAt > since,
    );
    return Promise.resolve(Math.min(pending.length, max));
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
    this.changes.push({ before: structuredClone(current), after: structuredClone(stored) });
    return Promise.resolve(structuredClone(stored));
  }

  createExtension(extension: GrantRequest, original: GrantRequest, next: GrantRequest): Promise<void> {
    const current = this.requests.get(original.id);
    if (!current || current.version !== original.version || this.requests.has(extension.id)) {
      return Promise.reject(new StaleRequestError(original.id));
    }
    this.requests.set(extension.id, structuredClone(extension));
    this.changes.push({ before: null, after: structuredClone(extension) });
    const stored = { ...structuredClone(next), version: original.version + 1 };
    this.requests.set(stored.id, stored);
    this.changes.push({ before: structuredClone(current), after: structuredClone(stored) });
    return Promise.resolve();
  }

  pendingCreatedBy(cutoff: string, limit: number, after: string | null): Promise<DuePage> {
    return this.page((r) => (r.status === 'PENDING' && r.createdAt <= cutoff ? listPosition(r) : null), limit, after);
  }

  approved(limit: number, after: string | null): Promise<DuePage> {
    return this.page((r) => (r.status === 'APPROVED' ? listPosition(r) : null), limit, after);
  }

  dueActive(now: string, limit: number, after: string | null): Promise<DuePage> {
    return this.page(
      (r) => {
        const position = duePosition(r);
        return position !== null && position < `${now}~` ? position : null;
      },
      limit,
      after,
    );
  }

  liveByEntry(entryId: string, limit: number, after: string | null): Promise<DuePage> {
    const live = (r: GrantRequest) => ['PENDING', 'APPROVED', 'ACTIVE'].includes(r.status);
    return this.page((r) => (r.allowlistEntryId === entryId && live(r) ? listPosition(r) : null), limit, after);
  }

  /** Oldest first by `position` (null: not in the list), resuming after the position `after`. */
  private page(position: (r: GrantRequest) => string | null, limit: number, after: string | null) {
    const found = [...this.requests.values()]
      .map((r) => ({ r, at: position(r) }))
      .filter((x): x is { r: GrantRequest; at: string } => x.at !== null && (after === null || x.at > after))
      .sort((a, b) => (a.at < b.at ? -1 : 1));
    const items = found.slice(0, limit);
    const last = items[items.length - 1];
    return Promise.resolve({
      items: structuredClone(items.map((x) => x.r)),
      next: found.length > limit && last ? last.at : null,
    });
  }

  list(query: ListQuery): Promise<ListPage> {
    const visible = [...this.requests.values()].filter((r) =>
      query.sources.some(
        (s) =>
          (s.kind === 'requester' && r.requesterPerson === s.value) ||
          (s.kind === 'entry' && r.allowlistEntryId === s.value) ||
          (s.kind === 'status' && r.status === s.value),
      ),
    );
    const fn = query.functionName;
    const matching = visible
      .filter((r) => query.status === null || r.status === query.status)
      .filter((r) => fn === null || r.functionArn === fn || functionNameOf(r.functionArn) === fn)
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
  /** Ids of the entries put or deleted, in order, like the table's stream (consumed by the in-memory pipeline). */
  readonly changes: string[] = [];
  /** The change records, in order, as the table keeps them for the audit stream. */
  readonly changeRecords: EntryChange[] = [];
  /** The stored entry is still `before` (an entry stored unversioned reads as version 1, as in DynamoDB). */
  private stillAt(id: string, before: AllowlistEntry | null): boolean {
    const stored = this.entries.get(id);
    return before === null ? stored === undefined : stored !== undefined && (stored.version ?? 1) === before.version;
  }
  /** As in DynamoDB, a change record is written once: a version of an id that was written already is refused. */
  private written(id: string, version: number): boolean {
    return this.changeRecords.some((c) => c.entryId === id && c.version === version);
  }
  lastVersion(entryId: string): Promise<number> {
    return Promise.resolve(
      Math.max(0, ...this.changeRecords.filter((c) => c.entryId === entryId).map((c) => c.version)),
    );
  }
  /** Where proposals live, for writes that decide one in the same transaction (set by the in-memory app). */
  proposals: InMemoryAllowlistChanges | null = null;
  /** A proposal decided with a write: only while still PENDING, as the table's transaction condition says. */
  private stillPending(decided: AllowlistChange | undefined): boolean {
    return !decided || this.proposals?.changes.get(decided.id)?.status === 'PENDING';
  }
  private decide(decided: AllowlistChange | undefined): void {
    if (decided) void this.proposals?.decide(decided);
  }
  put(entry: AllowlistEntry, before: AllowlistEntry | null, decided?: AllowlistChange): Promise<boolean> {
    if (!this.stillAt(entry.id, before) || this.written(entry.id, entry.version) || !this.stillPending(decided)) {
      return Promise.resolve(false);
    }
    this.decide(decided);
    this.entries.set(entry.id, structuredClone(entry));
    this.changes.push(entry.id);
    this.markers.set(entry.id, entry.updatedAt);
    this.changeRecords.push(
      structuredClone({
        entryId: entry.id,
        actor: entry.updatedBy,
        at: entry.updatedAt,
        version: entry.version,
        before,
        after: entry,
      }),
    );
    return Promise.resolve(true);
  }
  get(id: string | null): Promise<AllowlistEntry | null> {
    return Promise.resolve((id === null ? null : this.entries.get(id)) ?? null);
  }
  list(): Promise<AllowlistEntry[]> {
    return Promise.resolve([...this.entries.values()]);
  }
  delete(before: AllowlistEntry, actor: string, at: Date, decided?: AllowlistChange): Promise<boolean> {
    if (!this.stillAt(before.id, before) || !this.stillPending(decided)) return Promise.resolve(false);
    this.decide(decided);
    this.entries.delete(before.id);
    this.changes.push(before.id);
    this.markers.set(before.id, at.toISOString());
    this.changeRecords.push(
      structuredClone({
        entryId: before.id,
        actor,
        at: at.toISOString(),
        version: before.version + 1,
        before,
        after: null,
      }),
    );
    return Promise.resolve(true);
  }
  /** Re-check markers: entry id → when it changed. */
  readonly markers = new Map<string, string>();
  pendingRechecks(changedBy: Date): Promise<PendingRecheck[]> {
    const pending = [...this.markers].filter(([, changedAt]) => changedAt <= changedBy.toISOString());
    return Promise.resolve(pending.map(([entryId, changedAt]) => ({ entryId, changedAt })));
  }
  recheckDone(entryId: string, startedAt: Date): Promise<void> {
    const changedAt = this.markers.get(entryId);
    if (changedAt !== undefined && changedAt <= startedAt.toISOString()) this.markers.delete(entryId);
    return Promise.resolve();
  }
}

/** Knows a fixed set of functions (and `name:qualifier` pairs); records what it was asked. */
export class StaticFunctionDirectory implements FunctionDirectory {
  readonly calls: { name: string; qualifier: string | null }[] = [];
  constructor(
    private readonly known: Record<string, ResolvedFunction>,
    private readonly qualifiers: string[] = [],
  ) {}
  listArns(accountId: string): Promise<string[]> {
    return Promise.resolve(
      Object.values(this.known)
        .map((f) => f.functionArn)
        .filter((arn) => arn.split(':')[4] === accountId),
    );
  }

  listQualifiers(functionArn: string): Promise<string[]> {
    const name = functionNameOf(functionArn);
    return Promise.resolve(
      this.qualifiers.filter((q) => q.startsWith(`${name}:`)).map((q) => q.slice(name.length + 1)),
    );
  }

  /** By name, or by ARN as Lambda does: then the account in it must be the function's own. */
  resolve(nameOrArn: string, qualifier: string | null): Promise<ResolvedFunction | null> {
    const name = nameOrArn.startsWith('arn:') ? functionNameOf(nameOrArn) : nameOrArn;
    this.calls.push({ name, qualifier });
    const fn = this.known[name];
    if (!fn || (nameOrArn !== name && nameOrArn !== fn.functionArn)) return Promise.resolve(null);
    if (qualifier !== null && !this.qualifiers.includes(`${name}:${qualifier}`)) return Promise.resolve(null);
    return Promise.resolve(fn);
  }
}

/** WorkLeases in memory: the same rules as the DynamoDB adapter (free, lapsed, or already the holder's). */
export class InMemoryLeases implements WorkLeases {
  readonly held = new Map<string, { holder: string; until: number }>();
  constructor(private readonly now: () => Date) {}
  acquire(requestId: string, holder: string, until: Date): Promise<boolean> {
    const current = this.held.get(requestId);
    if (current && current.holder !== holder && current.until >= this.now().getTime()) return Promise.resolve(false);
    this.held.set(requestId, { holder, until: until.getTime() });
    return Promise.resolve(true);
  }
  release(requestId: string, holder: string): Promise<void> {
    if (this.held.get(requestId)?.holder === holder) this.held.delete(requestId);
    return Promise.resolve();
  }
}

/** No budget in memory: deadlines change nothing. */
export const noDeadlines: CallDeadlines = { within: (_deadline, work) => work() };

/** IAM role paths in memory: the roles a test created, each with its path; any other role cannot be read. */
export class InMemoryRoleDirectory implements RoleDirectory {
  readonly paths = new Map<string, string>();
  /** Every role read, in order (a test can count the IAM reads a rule costs). */
  readonly reads: string[] = [];

  /** Creates (or moves) the role `arn:P:iam::A:role/<path><name>`. */
  put(roleArn: string): void {
    const [, head, path, name] = /^(arn:[^:]+:iam::\d{12}:role)(\/(?:.*\/)?)([^/]+)$/.exec(roleArn) ?? [];
    if (!head || !path || !name) throw new Error(`not a role ARN: ${roleArn}`);
    this.paths.set(`${head}/${name}`, path);
  }

  pathOf(role: { partition: string; account: string; name: string }): Promise<string | null> {
    const key = `arn:${role.partition}:iam::${role.account}:role/${role.name}`;
    this.reads.push(key);
    return Promise.resolve(this.paths.get(key) ?? null);
  }
}

/** An identity store in memory: groups by display name, each with its members' usernames (lower case). */
export class InMemoryGroups implements GroupDirectory {
  readonly members = new Map<string, Set<string>>();
  /** Every person whose groups were read, in order. */
  readonly reads: string[] = [];

  add(group: string, ...people: string[]): this {
    const members = this.members.get(group) ?? new Set<string>();
    for (const person of people) members.add(person.toLowerCase());
    this.members.set(group, members);
    return this;
  }

  groupsOf(person: string, groups: readonly string[]): Promise<ReadonlySet<string>> {
    this.reads.push(person);
    return Promise.resolve(new Set(groups.filter((g) => this.members.get(g)?.has(person.toLowerCase()))));
  }

  unknownGroups(groups: readonly string[]): Promise<string[]> {
    return Promise.resolve(groups.filter((g) => !this.members.has(g)));
  }
}

/** The reconcile's progress in memory: what each account's last resumed run stored. */
export class InMemoryReconcileProgress implements ReconcileProgressStore {
  readonly stored = new Map<string, ReconcileProgress>();
  get(account: string): Promise<ReconcileProgress | null> {
    return Promise.resolve(structuredClone(this.stored.get(account) ?? null));
  }
  put(progress: ReconcileProgress): Promise<void> {
    this.stored.set(progress.account, structuredClone(progress));
    return Promise.resolve();
  }
}

/** Dispatch claims in memory: the changes whose work was scheduled. */
export class InMemoryDispatchClaims implements DispatchClaims {
  readonly claimed = new Set<string>();
  claim(change: string): Promise<boolean> {
    if (this.claimed.has(change)) return Promise.resolve(false);
    this.claimed.add(change);
    return Promise.resolve(true);
  }
  release(change: string): Promise<void> {
    this.claimed.delete(change);
    return Promise.resolve();
  }
}

/** The audit trail in memory: records by position, read in time order as DynamoDB would. */
export class InMemoryAuditLog implements AuditLog {
  readonly records = new Map<string, AuditRecord>();
  record(records: readonly AuditRecord[]): Promise<void> {
    for (const r of records) this.records.set(auditPosition(r), structuredClone(r));
    return Promise.resolve();
  }
  page(query: AuditQuery): Promise<{ items: AuditRecord[]; next: string | null }> {
    const positions = [...this.records.keys()]
      .filter((p) => p > query.since && p < query.until && (query.after === null || p > query.after))
      .sort();
    const items: AuditRecord[] = [];
    let reads = 0;
    for (const position of positions) {
      const record = this.records.get(position) as AuditRecord;
      reads++;
      if (query.keep(record)) items.push(structuredClone(record));
      if (items.length >= query.limit || reads >= query.maxReads) return Promise.resolve({ items, next: position });
    }
    return Promise.resolve({ items, next: null });
  }
}

/** Proposed allowlist changes in memory; a decision only of a PENDING one, as the table's condition does. */
export class InMemoryAllowlistChanges implements AllowlistChangeStore {
  readonly changes = new Map<string, AllowlistChange>();
  /** Every stored version of every proposal, in order, like the table's stream (the audit consumer reads it). */
  readonly stream: { before: AllowlistChange | null; after: AllowlistChange }[] = [];
  create(change: AllowlistChange): Promise<void> {
    this.changes.set(change.id, structuredClone(change));
    this.stream.push({ before: null, after: structuredClone(change) });
    return Promise.resolve();
  }
  get(id: string): Promise<AllowlistChange | null> {
    return Promise.resolve(structuredClone(this.changes.get(id) ?? null));
  }
  list(status: AllowlistChange['status'] | null): Promise<AllowlistChange[]> {
    const all = [...this.changes.values()].filter((c) => status === null || c.status === status);
    return Promise.resolve(structuredClone(all.reverse()));
  }
  decide(decided: AllowlistChange): Promise<boolean> {
    const before = this.changes.get(decided.id);
    if (before?.status !== 'PENDING') return Promise.resolve(false);
    this.changes.set(decided.id, structuredClone(decided));
    this.stream.push({ before: structuredClone(before), after: structuredClone(decided) });
    return Promise.resolve(true);
  }
}

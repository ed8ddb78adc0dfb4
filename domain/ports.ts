/** The ports the use cases need; adapters/ implements them. Named after their role, injected by composition. */
import type { AllowlistChange } from './model/allowlist-change';
import type { AllowlistEntry } from './model/allowlist-entry';
import type { AuditRecord } from './model/audit-record';
import type { GrantRequest, HistoryEvent, RequestStatus } from './model/request';
import type { QueuedWork } from './events/follow-ups';
import type { AuditEvent } from './audit/audit-events';
import type { InvokeStatement, RoleStatement } from '../policies/statement-types';

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

/** One page of a due list, oldest first; `next` resumes after the last item (null: nothing more). */
export type DuePage = ListPage;

export interface RequestStore {
  /** Stores a new request; with a claim, only if no live claim holds that caller and key. */
  create(request: GrantRequest, claim: IdempotencyClaim | null, now: Date): Promise<CreateOutcome>;
  /** A live idempotency claim (not yet lapsed at `now`) for this caller and key. */
  findClaim(caller: string, key: string, now: Date): Promise<{ requestId: string; bodyHash: string } | null>;
  get(id: string): Promise<GrantRequest | null>;
  /** Stores `next` if the stored request is still `previous` (same version); returns it with its new version. */
  update(previous: GrantRequest, next: GrantRequest): Promise<GrantRequest>;
  /**
   * Stores a new request `extension` and, in the same transaction, `next` in place of `original` (the version check
   * of update): both or neither. StaleRequestError when the original changed since it was read.
   */
  createExtension(extension: GrantRequest, original: GrantRequest, next: GrantRequest): Promise<void>;
  list(query: ListQuery): Promise<ListPage>;
  /** How many PENDING requests `person` created after `since` (ISO time), counting up to `max`. */
  pendingBy(person: string, since: string, max: number): Promise<number>;
  /** PENDING requests created at or before `cutoff` (ISO time), oldest first. */
  pendingCreatedBy(cutoff: string, limit: number, after: string | null): Promise<DuePage>;
  /** APPROVED requests: decided, their grant not yet applied; oldest first. */
  approved(limit: number, after: string | null): Promise<DuePage>;
  /** ACTIVE requests due to end at `now`: past expiresAt, or carrying a revoke marker. Soonest first. */
  dueActive(now: string, limit: number, after: string | null): Promise<DuePage>;
  /**
   * PENDING, APPROVED and ACTIVE requests whose allowlistEntryId is `entryId`, oldest first. A page may hold fewer
   * than `limit` items (or none) and still have a `next`: requests of the entry that ended are read past, not kept.
   */
  liveByEntry(entryId: string, limit: number, after: string | null): Promise<DuePage>;
}

/**
 * The allowlist. Every put or delete of an entry also leaves a re-check marker, in the same write, until a re-check of
 * the entry's live requests that began after the change finished: so a change whose stream record was lost (skipped
 * after failing, say) is still re-checked, by the sweep.
 */
export interface AllowlistStore {
  /**
   * Stores `entry` if the stored entry is still `before` (same version; null: none stored), and in the same write its
   * change record (an EntryChange, for the audit stream). False, changing nothing, when it is not. With `decided`, the
   * proposal this write applies is stored as decided in the same write, and only while it is still PENDING.
   */
  put(entry: AllowlistEntry, before: AllowlistEntry | null, decided?: AllowlistChange): Promise<boolean>;
  /** Null when no entry has this id, or when there is no id (a request no entry permits: docs/adoption.md, Adopt). */
  get(id: string | null): Promise<AllowlistEntry | null>;
  list(): Promise<AllowlistEntry[]>;
  /**
   * Deletes the entry if it is still stored at `before`'s version, with its change record (by `actor`, `at`: also the
   * re-check marker's time). False, changing nothing, when it is gone or at another version.
   */
  delete(before: AllowlistEntry, actor: string, at: Date, decided?: AllowlistChange): Promise<boolean>;
  /**
   * The version of the entry's last change, its deletion included; 0 for an id never used. An entry made again after
   * a deletion goes on from there, so no version of one id is ever written twice.
   */
  lastVersion(entryId: string): Promise<number>;
  /** Entries changed at or before `changedBy` whose live requests no finished re-check has seen since. */
  pendingRechecks(changedBy: Date): Promise<PendingRecheck[]>;
  /** A re-check that began at `startedAt` went through all the entry's live requests: its marker goes, unless the
   * entry changed again after `startedAt`. */
  recheckDone(entryId: string, startedAt: Date): Promise<void>;
}

/** Proposed allowlist changes (docs/allowlist-as-code.md, The two-person rule). */
export interface AllowlistChangeStore {
  create(change: AllowlistChange): Promise<void>;
  get(id: string): Promise<AllowlistChange | null>;
  /** Newest first; all statuses when null. */
  list(status: AllowlistChange['status'] | null): Promise<AllowlistChange[]>;
  /** Stores `decided` if the change is still PENDING; false when someone decided it first. */
  decide(decided: AllowlistChange): Promise<boolean>;
}

export interface PendingRecheck {
  entryId: string;
  changedAt: string;
}

export interface ResolvedFunction {
  /** Unqualified ARN as Lambda reports it. */
  functionArn: string;
  /** The execution role (event source grants add to it). */
  roleArn: string;
}

export interface FunctionDirectory {
  /** Null when the function, version or alias does not exist. `name`: a name (the broker's account) or an ARN. */
  resolve(name: string, qualifier: string | null): Promise<ResolvedFunction | null>;
  /** Unqualified ARNs of every function in `accountId` (the broker's Region). */
  listArns(accountId: string): Promise<string[]>;
  /** The published versions (not $LATEST) and the aliases of a function: each has a resource policy of its own. */
  listQualifiers(functionArn: string): Promise<string[]>;
}

/** IAM roles, as the rulebook needs them to match patterns that name a role path. */
export interface RoleDirectory {
  /**
   * The role's path (`/` when it has none), read in the role's account (through its spoke role for another target
   * account); null when it cannot be read (no such role, not allowed, an account the broker does not act in).
   * Errors: UnavailableError (throttled, or IAM unavailable: the caller may retry).
   */
  pathOf(role: { partition: string; account: string; name: string }): Promise<string | null>;
}

/**
 * IAM Identity Center's identity store, as the rulebook needs it for `approverGroups` (docs/api.md, Approvers from the
 * identity provider). Answers may be up to 5 minutes old.
 */
export interface GroupDirectory {
  /**
   * Which of `groups` (display names) the identity-store user named `person` (case-insensitive) belongs to; none for
   * a person the store does not know. Errors: UnavailableError (throttled, or the store unavailable).
   */
  groupsOf(person: string, groups: readonly string[]): Promise<ReadonlySet<string>>;
  /** The names among `groups` that name no group of the store. */
  unknownGroups(groups: readonly string[]): Promise<string[]>;
}

/** The policy of one function, version or alias (Lambda keeps one per qualifier). */
export interface PolicyTarget {
  functionName: string;
  qualifier: string | null;
}

export interface ResourcePolicy {
  /** Statements as Lambda returned them (principal forms may differ from what was sent). */
  statements: Record<string, unknown>[];
  revisionId: string;
  /** The policy document's size in bytes, as GetPolicy returned it (Lambda's 20 KB limit counts these). */
  documentBytes: number;
}

/**
 * Lambda resource policies. Errors: PolicyChangedError (412 stale revision: re-read), FunctionBusyError (409: the Sid
 * exists or the function is being updated: re-read), GrantRejectedError (permanent 4xx), UnavailableError (throttled,
 * down, or busy).
 */
export interface ResourcePolicyGateway {
  /** Null when the target has no policy. */
  read(target: PolicyTarget): Promise<ResourcePolicy | null>;
  /** The statement as Lambda stored it (AddPermission answers with it), or null when the answer did not say. */
  add(
    target: PolicyTarget,
    statement: InvokeStatement,
    revisionId: string | null,
  ): Promise<Record<string, unknown> | null>;
  /**
   * 'absent' when the statement (or policy, or function) is already gone. With `revisionId`, only while the policy is
   * still at that revision (PolicyChangedError otherwise); an adapter for an emulator that cannot honour it says so.
   */
  remove(target: PolicyTarget, sid: string, revisionId?: string | null): Promise<'removed' | 'absent'>;
}

/** The broker-owned inline policies on function execution roles (one policy per event source grant). */
export interface ExecutionRoleGateway {
  /** Characters of the role's inline policies but `except`, whitespace excluded (IAM's 10,240 budget). */
  inlinePolicySize(roleArn: string, except: string): Promise<number>;
  put(roleArn: string, policyName: string, statement: RoleStatement): Promise<void>;
  delete(roleArn: string, policyName: string): Promise<'removed' | 'absent'>;
  /** The inline policy's document as IAM holds it; null when the role has no policy of that name. */
  read(roleArn: string, policyName: string): Promise<unknown>;
}

export interface MappingSpec {
  functionName: string;
  qualifier: string | null;
  eventSourceArn: string;
  batchSize: number | null;
}

/** A mapping between a function and a source, and whose it is. */
export interface FoundMapping {
  uuid: string;
  /** The request whose owner tag the mapping carries; null for a mapping the broker did not create. */
  owner: string | null;
}

/**
 * Lambda event source mappings. Errors: MappingExistsError (409), RoleNotReadyError (the role cannot read the source
 * yet: IAM propagation, or a source policy that does not let it), GrantRejectedError (permanent), UnavailableError.
 */
export interface EventSourceMappingGateway {
  /** Creates the mapping tagged as `owner`'s in the same call, so none of ours ever exists untagged. */
  create(spec: MappingSpec, owner: string): Promise<string>;
  /** Mappings between this function (and qualifier) and source, each with the request that owns it, if any. */
  find(spec: MappingSpec): Promise<FoundMapping[]>;
  /** `functionArn` names the account the mapping lives in. */
  delete(uuid: string, functionArn: string): Promise<'removed' | 'absent'>;
  /** One mapping as Lambda reports it; null when it no longer exists. `functionArn` names its account. */
  get(uuid: string, functionArn: string): Promise<MappingState | null>;
}

export interface MappingState {
  /** Lambda's state: Creating, Enabling, Enabled, Disabling, Disabled, Updating, Deleting. */
  state: string;
  eventSourceArn: string;
  /** The function as the mapping names it (qualified when the mapping is). */
  functionArn: string;
}

/**
 * The KMS keys that encrypt polled event sources: Lambda's poller reads a source with the function's role, so an
 * SQS queue or Kinesis stream under a customer-managed key also needs kms:Decrypt on that key.
 */
export interface EventSourceKeys {
  /**
   * The ARN of the customer-managed key that encrypts `eventSourceArn`, or null when reading it needs no key
   * permission (unencrypted, SQS-managed encryption, an AWS-managed key, DynamoDB streams).
   * Errors: EventSourceKeyUnresolvedError (permanent), UnavailableError.
   */
  decryptKeyOf(eventSourceArn: string): Promise<string | null>;
}

/**
 * Which stored changes have had their work scheduled: the stream delivers a record at least once (again after a
 * failure later in its batch), and work scheduled twice would start two timer chains for one grant.
 */
export interface DispatchClaims {
  /** True the first time `change` is claimed (kept until `until`); false when it already was. */
  claim(change: string, until: Date): Promise<boolean>;
  /** Gives a claim back: its work could not be scheduled, and the record will come again. */
  release(change: string): Promise<void>;
}

/** Where the hourly reconcile stands in one account (docs/runbook.md, Drift findings), kept between runs. */
export interface ReconcileProgress {
  account: string;
  /** The function the next run starts with (ARN order); null: the first. */
  next: string | null;
  /** When the pass under way began (a pass checks each function of the account once). */
  passStartedAt: string;
  /** When the pass before it began; null while the first pass is under way. */
  previousPassStartedAt: string | null;
}

export interface ReconcileProgressStore {
  /** Null when no run has stored any progress for `account`. */
  get(account: string): Promise<ReconcileProgress | null>;
  put(progress: ReconcileProgress): Promise<void>;
}

/** Waits, so retries can back off; tests pass one that returns at once. */
export type Sleep = (ms: number) => Promise<void>;

/**
 * The exclusive right to do one request's AWS work for a while, so that a worker, an inline settle after an approval
 * and a sweep never apply the same grant at once. A holder that dies simply lets its lease run out.
 */
export interface WorkLeases {
  /** True when `holder` holds the lease on `requestId` until `until` (free, lapsed, or already its own). */
  acquire(requestId: string, holder: string, until: Date): Promise<boolean>;
  release(requestId: string, holder: string): Promise<void>;
}

/**
 * Bounds AWS work in time: inside `within`, an AWS call that could not start before `deadline` (say, because the
 * account's control-plane budget is used up until then) fails with UnavailableError instead of waiting.
 */
export interface CallDeadlines {
  within<T>(deadline: Date, work: () => Promise<T>): Promise<T>;
}

/** Schedules work for a later time (deployed and locally: a queue with a delivery delay). */
export interface WorkScheduler {
  schedule(work: QueuedWork): Promise<void>;
}

/** Tells the people following a request (Slack) about its new history, in order, after the answer was given. */
export interface Announcer {
  announce(request: GrantRequest): Promise<void>;
}

/** Hands a grant's due expiry notice to the Slack side (docs/slack.md, A requester's day in Slack). */
export interface ExpiryNotices {
  due(requestId: string, expiresAt: string): Promise<void>;
}

/**
 * Told about every recorded transition (the new history events and the request as stored), by the consumer of the
 * table's stream: metrics react here instead of being called from inside use cases.
 */
export interface GrantEventListener {
  recorded(request: GrantRequest, events: readonly HistoryEvent[]): Promise<void>;
}

/**
 * Where audit events go (deployed and locally: an EventBridge bus). Publishes every event or throws (UnavailableError)
 * having perhaps published some: the caller publishes all of them again, and consumers drop repeats by id.
 */
export interface AuditPublisher {
  publish(events: readonly AuditEvent[]): Promise<void>;
}

export interface AuditQuery {
  /** ISO times: events at or after `since` and before `until`. */
  since: string;
  until: string;
  /** Only events after this position (from a previous page); null: from `since`. */
  after: string | null;
  /** At most this many records on the page. */
  limit: number;
  /** Whether a record belongs on the page (filters); read records that do not count towards the read bound. */
  keep: (record: AuditRecord) => boolean;
  /** At most this many records read from the table for one page, kept or not. */
  maxReads: number;
}

/**
 * The audit trail across requests, in time order (docs/audit.md, Reading the trail): written by the audit consumer of
 * the table's stream (the same record again is harmless), read by admins and auditors.
 */
export interface AuditLog {
  record(records: readonly AuditRecord[]): Promise<void>;
  /** A page in time order; `next` resumes after the last record read (null: nothing more in the window). */
  page(query: AuditQuery): Promise<{ items: AuditRecord[]; next: string | null }>;
}

/** What a source lookup found (docs/policy-preview.md, Source proof). */
export type SourceLookup = { state: 'exists' } | { state: 'missing' | 'unreadable'; reason: string };

/**
 * The sources that invoke or feed functions (SNS topics, SQS queues, S3 buckets, EventBridge rules, Kinesis and
 * DynamoDB streams, API Gateway REST and HTTP APIs), read in the account that owns them: the broker's own, or a
 * target account through its spoke role. Errors: UnavailableError (throttled, or the service down: may retry).
 */
export interface SourceDirectory {
  /** `arn`: the source's ARN (an S3 bucket's names no account); `account`: the account that owns it (S3: SourceAccount). */
  lookup(source: { arn: string; account: string }): Promise<SourceLookup>;
}

/** One IAM Access Analyzer finding on a would-be resource policy, as the broker reports it. */
export interface PolicyFinding {
  /** ValidatePolicy's findingType, or PUBLIC_ACCESS for a failed CheckNoPublicAccess. */
  type: 'ERROR' | 'SECURITY_WARNING' | 'WARNING' | 'SUGGESTION' | 'PUBLIC_ACCESS';
  /** ValidatePolicy's issueCode (PUBLIC_ACCESS for the public check). */
  code: string;
  message: string;
}

/** IAM Access Analyzer on a function's would-be resource policy. Errors: UnavailableError. */
export interface PolicyAnalyzer {
  /** ValidatePolicy (RESOURCE_POLICY) and CheckNoPublicAccess (AWS::Lambda::Function) on one policy document. */
  findings(policyDocument: string): Promise<PolicyFinding[]>;
}

/**
 * Composition: builds the adapters from configuration and hands them to the use cases. Called once per runtime
 * (cold start of a Lambda function, or start of the local runner).
 */
import { randomUUID } from 'node:crypto';
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { IAMClient } from '@aws-sdk/client-iam';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AccountClients, type ClientsInAccount } from '../adapters/aws/account-clients';
import { brokerAccount } from '../adapters/aws/broker-account';
import { putOnBudget } from '../adapters/aws/budget-middleware';
import { callDeadlinesOn } from '../adapters/aws/call-deadlines';
import { ControlPlaneBudget } from '../adapters/aws/control-plane-budget';
import { SpokeRoleCredentials } from '../adapters/aws/spoke-role-credentials';
import { realSleep, systemClock } from '../adapters/clock';
import { DynamoAllowlistChangeStore } from '../adapters/dynamodb/allowlist-change-store';
import { DynamoAllowlistStore } from '../adapters/dynamodb/allowlist-store';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log-store';
import { DynamoSecondCounter } from '../adapters/dynamodb/budget-counter';
import { DynamoRequestStore } from '../adapters/dynamodb/request-store';
import { DynamoSlackMessageStore } from '../adapters/dynamodb/slack-message-store';
import { DynamoDispatchClaims } from '../adapters/dynamodb/dispatch-claims';
import { DynamoReconcileProgressStore } from '../adapters/dynamodb/reconcile-progress-store';
import { DynamoWorkLeases } from '../adapters/dynamodb/work-leases';
import { EventBusPublisher } from '../adapters/eventbridge/event-bus-publisher';
import { AccessAnalyzerPolicyAnalyzer } from '../adapters/access-analyzer/access-analyzer-policy-analyzer';
import { IamExecutionRoleGateway } from '../adapters/iam/execution-role-gateway';
import { AwsSourceDirectory } from '../adapters/sources/aws-source-directory';
import { IamRoleDirectory } from '../adapters/iam/role-directory';
import { IdentityStoreGroups } from '../adapters/identity-store/identity-store-groups';
import { AwsEventSourceKeys } from '../adapters/kms/event-source-keys';
import { randomIds } from '../adapters/ids';
import { LambdaEventSourceMappingGateway } from '../adapters/lambda/event-source-mapping-gateway';
import { LambdaFunctionDirectory } from '../adapters/lambda/function-directory';
import { LambdaResourcePolicyGateway } from '../adapters/lambda/resource-policy-gateway';
import { GrantMetrics, type MetricSink } from '../adapters/metrics/grant-metrics';
import { SlackClient, type SlackResult } from '../adapters/slack/slack-client';
import { SlackNotifier } from '../adapters/slack/slack-notifier';
import { RequesterNotifier } from '../adapters/slack/requester-notifier';
import { DynamoRequesterDmStore } from '../adapters/dynamodb/requester-dm-store';
import { SqsNotifyQueue } from '../adapters/sqs/notify-queue';
import { SqsWorkQueue } from '../adapters/sqs/work-queue';
import { backoffMs } from '../domain/grants/backoff';
import { makeGrantOperator } from '../domain/grants/grant-operator';
import type {
  AllowlistChangeStore,
  AllowlistStore,
  Announcer,
  AuditLog,
  AuditPublisher,
  CallDeadlines,
  DispatchClaims,
  Clock,
  EventSourceKeys,
  EventSourceMappingGateway,
  ExecutionRoleGateway,
  ExpiryNotices,
  FunctionDirectory,
  GrantEventListener,
  IdGenerator,
  ReconcileProgressStore,
  RequestStore,
  ResourcePolicyGateway,
  SourceDirectory,
  GroupDirectory,
  PolicyAnalyzer,
  RoleDirectory,
  Sleep,
  WorkLeases,
  WorkScheduler,
} from '../domain/ports';
import type { BrokerSettings } from '../domain/settings';
import { makeAdoptStatement } from '../domain/use-cases/adopt-statement';
import { makeCancelRequest } from '../domain/use-cases/cancel-request';
import { makeCatalog } from '../domain/use-cases/catalog';
import { makeCreateRequest } from '../domain/use-cases/create-request';
import { makeVetGrant } from '../domain/use-cases/vet-grant';
import { makeDecideRequest } from '../domain/use-cases/decide-request';
import { makeDiscover } from '../domain/use-cases/discover';
import { makeDispatchChange, makeDispatchEntryChange } from '../domain/use-cases/dispatch-change';
import { makeExtendRequest } from '../domain/use-cases/extend-request';
import { makeAllowlistChanges } from '../domain/use-cases/allowlist-changes';
import { makeManageAllowlist } from '../domain/use-cases/manage-allowlist';
import { makePublishAudit } from '../domain/use-cases/publish-audit';
import { makeReadAudit } from '../domain/use-cases/read-audit';
import { makeGetRequest, makeListRequests } from '../domain/use-cases/read-requests';
import { makeAllowlistRecheck } from '../domain/use-cases/recheck-allowlist';
import { makePendingLimit } from '../domain/use-cases/pending-limit';
import { makeReconcile } from '../domain/use-cases/reconcile';
import { makeRequireAdmin } from '../domain/use-cases/require-admin';
import { makeRevokeRequest } from '../domain/use-cases/revoke-request';
import { makeRunWork } from '../domain/use-cases/run-work';
import { makeSettleRequest } from '../domain/use-cases/settle-request';
import { makeStanding } from '../domain/use-cases/standing';
import { makeSweep } from '../domain/use-cases/sweep';
import { makeResolveIdentity } from '../domain/rulebook/resolve-identity';
import { slackUsersOfRequester } from '../domain/rulebook/identity';
import type { BrokerConfig } from './config';
import { logger } from './logger';

/** SDK attempts per Lambda call (429/5xx are retried with our jittered backoff; each attempt takes a budget slot). */
const LAMBDA_CALL_ATTEMPTS = 5;

export interface AwsClients extends ClientsInAccount {
  dynamo: DynamoDBClient;
  sts: STSClient;
  /** Used only with BROKER_ACCESS_ANALYZER=on; no emulator has it (its endpoint: AWS_ENDPOINT_URL_ACCESSANALYZER). */
  accessAnalyzer: AccessAnalyzerClient;
  /** Used only with BROKER_IDENTITY_STORE_ID set, in BROKER_IDENTITY_STORE_REGION (Identity Center's home Region). */
  identityStore: IdentitystoreClient;
}

/** Where a spoke account's clients get their credentials (its spoke role's, through SpokeRoleCredentials). */
export type SpokeCredentials = NonNullable<LambdaClientConfig['credentials']>;

function commonOptions(config: BrokerConfig) {
  return { region: config.AWS_REGION, ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}) };
}

function lambdaClient(config: BrokerConfig, credentials?: SpokeCredentials): LambdaClient {
  return new LambdaClient({
    ...commonOptions(config),
    ...(credentials ? { credentials } : {}),
    retryStrategy: new ConfiguredRetryStrategy(LAMBDA_CALL_ATTEMPTS, (attempt) => backoffMs(attempt, 200, 5_000)),
  });
}

export function createAwsClients(config: BrokerConfig): AwsClients {
  const common = commonOptions(config);
  return {
    ...clientsInAccount(config),
    dynamo: new DynamoDBClient(common),
    sts: new STSClient(common),
    // Not pointed at AWS_ENDPOINT_URL: an emulator has no Access Analyzer.
    accessAnalyzer: new AccessAnalyzerClient({ region: config.AWS_REGION }),
    identityStore: new IdentitystoreClient({
      ...common,
      region: config.BROKER_IDENTITY_STORE_REGION ?? config.AWS_REGION,
    }),
  };
}

/** The clients that act in one account: the broker's own (no credentials given), or a spoke's on its role's. */
function clientsInAccount(config: BrokerConfig, credentials?: SpokeCredentials): ClientsInAccount {
  const options = { ...commonOptions(config), ...(credentials ? { credentials } : {}) };
  return {
    lambda: lambdaClient(config, credentials),
    iam: new IAMClient(options),
    sqs: new SQSClient(options),
    // Kinesis defaults to HTTP/2 (for SubscribeToShard, which the broker never calls); DescribeStreamSummary works
    // over HTTP/1.1 everywhere, emulators included.
    kinesis: new KinesisClient({ ...options, requestHandler: new NodeHttpHandler() }),
    kms: new KMSClient(options),
    sns: new SNSClient(options),
    // Path-style against an emulator, which has no per-bucket host names; AWS answers both.
    s3: new S3Client({ ...options, forcePathStyle: Boolean(config.AWS_ENDPOINT_URL) }),
    eventBridge: new EventBridgeClient(options),
    dynamoDbStreams: new DynamoDBStreamsClient(options),
    apiGateway: new APIGatewayClient(options),
    apiGatewayV2: new ApiGatewayV2Client(options),
  };
}

/**
 * The clients that act in another account, on its spoke role's credentials (docs/deploy.md, Many accounts (hub and
 * spokes)).
 */
export function createSpokeClients(config: BrokerConfig, credentials: SpokeCredentials): ClientsInAccount {
  return clientsInAccount(config, credentials);
}

export interface AppPorts {
  /** Told about every recorded transition by the stream consumer (metrics). */
  listener?: GrantEventListener;
  store: RequestStore;
  allowlist: AllowlistStore;
  functions: FunctionDirectory;
  policies: ResourcePolicyGateway;
  roles: ExecutionRoleGateway;
  /** IAM roles' paths, for allowlist patterns that name one. */
  roleDirectory: RoleDirectory;
  /** Where source proof looks for the sources asks name. */
  sources: SourceDirectory;
  /** IAM Access Analyzer; null when BROKER_ACCESS_ANALYZER is off. */
  analyzer: PolicyAnalyzer | null;
  /** IAM Identity Center's identity store, for approverGroups; null when BROKER_IDENTITY_STORE_ID is unset. */
  groups: GroupDirectory | null;
  mappings: EventSourceMappingGateway;
  /** Which stored changes had their work scheduled (a stream record may come twice). */
  dispatchClaims: DispatchClaims;
  /** Where the hourly reconcile stopped in each account. */
  reconcileProgress: ReconcileProgressStore;
  keys: EventSourceKeys;
  leases: WorkLeases;
  deadlines: CallDeadlines;
  scheduler: WorkScheduler;
  announcer: Announcer;
  /** Hands due expiry notices to the Slack queue (the work queue's timers); none when Slack is off. */
  notices?: ExpiryNotices;
  /** Answers a Slack interaction through its response_url, after the answer (queued). */
  slackRespond: (url: string, body: Record<string, unknown>) => Promise<void>;
  clock: Clock;
  ids: IdGenerator;
  sleep: Sleep;
  /** Who this process is, for work leases. */
  holder: string;
  /** Opens Slack modals on a trigger_id (the `/lpb` command's and the requester's buttons); none when Slack is off. */
  slackViews?: SlackViews | null;
  /** The Slack side (the notification queue's consumer); none when Slack is off. */
  notifier?: SlackNotifier | null;
  /** Where audit events go (the audit consumer of the stream); the other functions publish nothing. */
  auditPublisher?: AuditPublisher;
  /** The audit trail across requests: written by the audit consumer, read by admins and auditors. */
  auditLog: AuditLog;
  /** Proposed allowlist changes (the two-person rule). */
  allowlistChanges: AllowlistChangeStore;
}

/** What the Slack routes need of Slack's Web API while they answer: views.open, within Slack's 3 s for a trigger. */
export interface SlackViews {
  openView(triggerId: string, view: Record<string, unknown>): Promise<SlackResult>;
}

const NO_LISTENER: GrantEventListener = { recorded: () => Promise.resolve() };
/** Slack off: nobody to tell that a grant ends soon. */
const NO_NOTICES: ExpiryNotices = { due: () => Promise.resolve() };

/** Pure wiring: ports and settings in, use cases out (tests compose in-memory ports through here too). */
export function composeApp(config: BrokerConfig, settings: BrokerSettings, ports: AppPorts) {
  const { store, allowlist, functions, policies, keys, deadlines, clock, ids, sleep } = ports;
  const operator = makeGrantOperator({
    policies,
    roles: ports.roles,
    mappings: ports.mappings,
    functions,
    keys,
    sleep,
    settings,
  });
  const settle = makeSettleRequest({
    store,
    operator,
    leases: ports.leases,
    deadlines,
    clock,
    sleep,
    holder: ports.holder,
  });
  // The rulebook's one identity resolver: a caller's role path is read only when a pattern names one.
  const resolveIdentity = makeResolveIdentity(ports.roleDirectory, ports.groups);
  const standing = makeStanding({ allowlist, settings, resolveIdentity });
  const requireAdmin = makeRequireAdmin({ settings, resolveIdentity });
  const recheck = makeAllowlistRecheck({ store, allowlist, clock, settings, resolveIdentity, requireAdmin });
  const checkPendingLimit = makePendingLimit({ store, clock, settings });
  const vetting = makeVetGrant({ policies, sources: ports.sources, analyzer: ports.analyzer, deadlines, clock });
  return {
    config,
    settings,
    /** The one clock: operations that show a time-dependent choice (an extend form's longest offer) read it. */
    clock,
    notifier: ports.notifier ?? null,
    requireAdmin,
    createRequest: makeCreateRequest({
      store,
      allowlist,
      functions,
      keys,
      clock,
      ids,
      settings,
      resolveIdentity,
      checkPendingLimit,
      vetGrant: vetting.vetGrant,
    }),
    getRequest: makeGetRequest({ store, standing, preview: vetting.preview, clock }),
    listRequests: makeListRequests({ store, allowlist, settings, resolveIdentity, requireAdmin, clock }),
    allowlist: makeManageAllowlist({ allowlist, clock, settings, requireAdmin, groups: ports.groups }),
    catalog: makeCatalog({ allowlist, resolveIdentity }),
    decide: makeDecideRequest({ settings, store, clock, standing, resolveIdentity }),
    cancelRequest: makeCancelRequest({ store, clock, standing }),
    revokeRequest: makeRevokeRequest({ store, clock, standing }),
    extendRequest: makeExtendRequest({
      store,
      allowlist,
      clock,
      ids,
      settings,
      standing,
      resolveIdentity,
      checkPendingLimit,
    }),
    settle,
    sweep: makeSweep({ store, allowlist, clock, settings, settle, recheck }),
    reconcile: makeReconcile({
      store,
      allowlist,
      functions,
      policies,
      operator,
      settle,
      deadlines,
      progress: ports.reconcileProgress,
      clock,
      sleep,
      settings,
    }),
    discover: makeDiscover({ store, allowlist, functions, policies, deadlines, clock, settings, requireAdmin }),
    adoptStatement: makeAdoptStatement({
      store,
      allowlist,
      policies,
      deadlines,
      clock,
      ids,
      settings,
      requireAdmin,
    }),
    dispatchChange: makeDispatchChange({
      scheduler: ports.scheduler,
      announcer: ports.announcer,
      listener: ports.listener ?? NO_LISTENER,
      claims: ports.dispatchClaims,
      clock,
      expiryNotice: {
        seconds: config.BROKER_EXPIRY_NOTICE_SECONDS,
        wanted: (r) => slackUsersOfRequester(r, settings).length > 0,
      },
    }),
    dispatchEntryChange: makeDispatchEntryChange({ scheduler: ports.scheduler, claims: ports.dispatchClaims, clock }),
    publishAudit: makePublishAudit({
      publisher: ports.auditPublisher ?? { publish: () => missingBus() },
      auditLog: ports.auditLog,
    }),
    readAudit: makeReadAudit({ auditLog: ports.auditLog, settings, resolveIdentity, clock }),
    allowlistImpact: recheck.preview,
    allowlistChanges: makeAllowlistChanges({
      changes: ports.allowlistChanges,
      allowlist,
      clock,
      ids,
      settings,
      requireAdmin,
      groups: ports.groups,
      preview: recheck.preview,
    }),
    runWork: makeRunWork({ settle, recheck, scheduler: ports.scheduler, notices: ports.notices ?? NO_NOTICES, clock }),
    slack: {
      signingSecret: config.SLACK_SIGNING_SECRET ?? null,
      now: () => clock.now(),
      respond: ports.slackRespond,
      openView: ports.slackViews ? ports.slackViews.openView.bind(ports.slackViews) : null,
      /** response_url comes inside a signed payload, but is still only ever Slack's own host (or the fake's). */
      mayRespondTo: (url: string) =>
        url.startsWith('https://hooks.slack.com/') || new URL(url).origin === new URL(config.SLACK_API_URL).origin,
    },
  };
}

export type App = ReturnType<typeof composeApp>;

/** The guard band against an emulator (AWS_ENDPOINT_URL set): a floor, and a second for a process that saw no call. */
export const EMULATOR_GUARD = { guardMs: 400, coldGuardMs: 1000 } as const;

/** A queue the configuration does not name: using it is a configuration error, said plainly. */
function missingQueue(variable: string): never {
  throw new Error(`${variable} is not configured, so this function cannot queue work`);
}

/**
 * The Slack side, when a bot token is configured: the notifier the Slack queue's consumer runs (approvers' messages and
 * requesters' direct messages), and the client the Slack routes open modals with.
 */
function slackSide(
  config: BrokerConfig,
  settings: BrokerSettings,
  deps: { db: DynamoDBDocumentClient; store: RequestStore; allowlist: AllowlistStore; clock: Clock },
): { notifier: SlackNotifier | null; slackViews: SlackViews | null } {
  if (!config.SLACK_BOT_TOKEN) return { notifier: null, slackViews: null };
  const { db, store, allowlist, clock } = deps;
  const slack = new SlackClient({ apiUrl: config.SLACK_API_URL, token: config.SLACK_BOT_TOKEN });
  const notifier = new SlackNotifier({
    slack,
    messages: new DynamoSlackMessageStore(db, config.BROKER_TABLE_NAME),
    store,
    allowlist,
    log: { warn: (message, fields) => logger.warn(message, fields ?? {}) },
    now: () => clock.now(),
    requester: (judge) =>
      new RequesterNotifier({
        slack,
        states: new DynamoRequesterDmStore(db, config.BROKER_TABLE_NAME),
        rules: settings,
        noticeSeconds: config.BROKER_EXPIRY_NOTICE_SECONDS,
        now: () => clock.now(),
        judge,
      }),
  });
  // A trigger_id lives 3 s: one attempt of at most 2 s, so an answer can still say what went wrong.
  const slackViews = new SlackClient({
    apiUrl: config.SLACK_API_URL,
    token: config.SLACK_BOT_TOKEN,
    timeoutMs: 2_000,
    budgetMs: 2_000,
  });
  return { notifier, slackViews };
}

/** A process with no bus configured was asked to publish: a configuration error, said plainly. */
function missingBus(): never {
  throw new Error('BROKER_EVENT_BUS is not configured, so this function cannot publish audit events');
}

/** The identity store's groups (docs/api.md, Approvers from the identity provider); null while none is configured. */
function identityStoreGroups(config: BrokerConfig, clients: AwsClients, clock: Clock, ttlMs?: number) {
  const storeId = config.BROKER_IDENTITY_STORE_ID;
  if (!storeId) return null;
  return new IdentityStoreGroups(clients.identityStore, storeId, { now: () => clock.now().getTime() }, ttlMs);
}

/** The AWS-backed app: asks STS who the broker is, then wires the DynamoDB, Lambda, IAM and SQS adapters. */
export async function buildApp(
  config: BrokerConfig,
  clients = createAwsClients(config),
  overrides: Partial<Pick<AppPorts, 'clock' | 'sleep'>> & {
    metrics?: MetricSink;
    /** Builds a spoke account's clients (tests record their calls). */
    spokeClients?: typeof createSpokeClients;
    /** How long a role's path is kept (default 5 minutes; tests that count IAM calls keep none). */
    rolePathTtlMs?: number;
    /** How long identity-store answers are kept (default a minute; tests of the bound or of every call shorten it). */
    groupTtlMs?: number;
  } = {},
): Promise<App> {
  const { accountId, partition } = await brokerAccount(clients.sts);
  const settings: BrokerSettings = {
    accountId,
    targetAccounts: config.BROKER_TARGET_ACCOUNTS.length > 0 ? config.BROKER_TARGET_ACCOUNTS : [accountId],
    partition,
    region: config.AWS_REGION,
    sidPrefix: config.BROKER_SID_PREFIX,
    minDurationSeconds: config.BROKER_MIN_DURATION_SECONDS,
    pendingTimeoutSeconds: config.BROKER_PENDING_TIMEOUT_SECONDS,
    maxPendingPerRequester: config.BROKER_MAX_PENDING_PER_REQUESTER,
    lambdaRps: config.BROKER_LAMBDA_RPS,
    admins: config.BROKER_ADMINS,
    auditors: config.BROKER_AUDITORS,
    allowlistChangeApprovals: config.BROKER_ALLOWLIST_CHANGE_APPROVALS,
    personRoles: config.BROKER_PERSON_ROLES,
    identityLinks: config.BROKER_SLACK_USERS,
  };
  const { metrics, spokeClients = createSpokeClients, rolePathTtlMs, groupTtlMs, ...timing } = overrides;
  const clock = timing.clock ?? systemClock;
  const deadlines = callDeadlinesOn(clock);
  const db = DynamoDBDocumentClient.from(clients.dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const budget = new ControlPlaneBudget(new DynamoSecondCounter(db, config.BROKER_TABLE_NAME), {
    perSecond: config.BROKER_LAMBDA_RPS,
    region: config.AWS_REGION,
    // Lambda needs no guard band while it answers quickly; moto's queue can hold a call most of a second.
    ...(config.AWS_ENDPOINT_URL ? EMULATOR_GUARD : {}),
  });
  const onThrottle = () => metrics?.count('ThrottlesMet');
  putOnBudget(clients.lambda, budget, accountId, onThrottle);
  const spokeRoles = new SpokeRoleCredentials(clients.sts, { partition, roleName: config.BROKER_SPOKE_ROLE_NAME });
  const accounts = new AccountClients({
    ownAccount: accountId,
    targetAccounts: settings.targetAccounts,
    own: clients,
    spoke: (account) => {
      const spoke = spokeClients(config, spokeRoles.provider(account));
      putOnBudget(spoke.lambda, budget, account, onThrottle);
      return spoke;
    },
  });

  const store = new DynamoRequestStore(db, config.BROKER_TABLE_NAME);
  const allowlist = new DynamoAllowlistStore(db, config.BROKER_TABLE_NAME);
  // moto answers 412 to any RevisionId on RemovePermission: against an emulator, no conditional removes.
  const policies = new LambdaResourcePolicyGateway(accounts.lambda, { conditionalRemoves: !config.AWS_ENDPOINT_URL });
  const workQueue = config.BROKER_WORK_QUEUE_URL ? new SqsWorkQueue(clients.sqs, config.BROKER_WORK_QUEUE_URL) : null;
  const notifyQueue = config.BROKER_NOTIFY_QUEUE_URL
    ? new SqsNotifyQueue(clients.sqs, config.BROKER_NOTIFY_QUEUE_URL)
    : null;
  const { notifier, slackViews } = slackSide(config, settings, { db, store, allowlist, clock });

  return composeApp(config, settings, {
    ...(metrics ? { listener: new GrantMetrics(metrics) } : {}),
    store,
    allowlist,
    functions: new LambdaFunctionDirectory(accounts.lambda),
    policies,
    roles: new IamExecutionRoleGateway(accounts.iam),
    roleDirectory: new IamRoleDirectory(accounts, { now: () => clock.now().getTime() }, rolePathTtlMs),
    // In the source's account: an account the broker does not act in has no clients, so its sources are unreadable.
    sources: new AwsSourceDirectory(accounts.all, { now: () => clock.now().getTime() }),
    analyzer: config.BROKER_ACCESS_ANALYZER === 'on' ? new AccessAnalyzerPolicyAnalyzer(clients.accessAnalyzer) : null,
    groups: identityStoreGroups(config, clients, clock, groupTtlMs),
    mappings: new LambdaEventSourceMappingGateway(accounts.lambda),
    reconcileProgress: new DynamoReconcileProgressStore(db, config.BROKER_TABLE_NAME),
    dispatchClaims: new DynamoDispatchClaims(db, config.BROKER_TABLE_NAME),
    // In the source's account when the broker acts there (its spoke role), else from the broker's own account.
    keys: new AwsEventSourceKeys((account) =>
      settings.targetAccounts.includes(account) ? accounts.all(account) : clients,
    ),
    auditLog: new DynamoAuditLog(db, config.BROKER_TABLE_NAME),
    allowlistChanges: new DynamoAllowlistChangeStore(db, config.BROKER_TABLE_NAME),
    leases: new DynamoWorkLeases(db, config.BROKER_TABLE_NAME, () => clock.now().getTime()),
    deadlines,
    scheduler: workQueue ?? { schedule: () => missingQueue('BROKER_WORK_QUEUE_URL') },
    // No notification queue (Slack off, locally): there is nobody to tell.
    announcer: notifyQueue ?? { announce: () => Promise.resolve() },
    ...(notifyQueue ? { notices: notifyQueue.notices } : {}),
    slackRespond: (url, body) =>
      notifyQueue ? notifyQueue.respond(url, body) : missingQueue('BROKER_NOTIFY_QUEUE_URL'),
    clock,
    ids: randomIds,
    sleep: timing.sleep ?? realSleep,
    holder: randomUUID(),
    notifier,
    slackViews,
    ...(config.BROKER_EVENT_BUS
      ? {
          auditPublisher: new EventBusPublisher(
            clients.eventBridge,
            config.BROKER_EVENT_BUS,
            timing.sleep ?? realSleep,
          ),
        }
      : {}),
  });
}

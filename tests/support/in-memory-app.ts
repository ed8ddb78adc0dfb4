/** The app composed over in-memory ports, plus an API Gateway event builder: use-case and handler tests, no I/O. */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { AuditEvent } from '../../domain/audit/audit-events';
import type { QueuedWork } from '../../domain/events/follow-ups';
import type { GrantRequest } from '../../domain/model/request';
import type { PolicyAnalyzer, WorkScheduler } from '../../domain/ports';
import type { BrokerSettings } from '../../domain/settings';
import { composeApp, type AppPorts } from '../../handlers/app';
import { loadConfig } from '../../handlers/config';
import { ADMIN, PRINCIPAL_CASES, REQUESTER, SPOKE_ACCOUNT, SPOKE_FUNCTION, baseAsk, settings, who } from './fixtures';
import {
  InMemoryEventSourceKeys,
  InMemoryMappings,
  InMemoryResourcePolicies,
  InMemorySources,
  InMemoryRoles,
} from './in-memory-gateways';
import {
  FixedClock,
  InMemoryAllowlist,
  InMemoryAllowlistChanges,
  InMemoryAuditLog,
  InMemoryDispatchClaims,
  InMemoryLeases,
  InMemoryReconcileProgress,
  InMemoryRequestStore,
  InMemoryRoleDirectory,
  InMemoryGroups,
  SequentialIds,
  StaticFunctionDirectory,
  noDeadlines,
} from './in-memory';
import { virtualSleep } from './virtual-time';

/** WorkScheduler in memory: what was scheduled, for the pipeline to run when its time has come. */
export class RecordingScheduler implements WorkScheduler {
  readonly scheduled: QueuedWork[] = [];
  schedule(work: QueuedWork): Promise<void> {
    this.scheduled.push(structuredClone(work));
    return Promise.resolve();
  }
}

export function inMemoryApp(
  env: Record<string, string> = {},
  extra: Partial<Pick<AppPorts, 'listener' | 'slackRespond' | 'announcer' | 'analyzer' | 'slackViews' | 'notices'>> & {
    /** Sleeping moves the clock, once everything else waits too (work side by side takes as long as it would). */
    virtualTime?: boolean;
  } = {},
  /** Settings to change: another place for the broker (e.g. the aws-us-gov partition, with admins there), or a rule. */
  overrides: Partial<BrokerSettings> = {},
) {
  const placed = { ...settings, ...overrides };
  const inPlace = (name: string) =>
    `arn:${placed.partition}:lambda:${placed.region}:${placed.accountId}:function:${name}`;
  const execRole = `arn:${placed.partition}:iam::${placed.accountId}:role/exec`;
  const clock = new FixedClock();
  const { virtualTime, ...chosen } = extra;
  const virtual = virtualTime ? virtualSleep(clock) : null;
  const sleeps: number[] = [];
  const announced: string[] = [];
  const responses: { url: string; body: Record<string, unknown> }[] = [];
  const scheduler = new RecordingScheduler();
  /** What the audit consumer published, in order (the bus, in memory). */
  const published: AuditEvent[] = [];
  const ports = {
    store: new InMemoryRequestStore(),
    allowlist: new InMemoryAllowlist(),
    functions: new StaticFunctionDirectory(
      {
        'order-processor': { functionArn: inPlace('order-processor'), roleArn: execRole },
        'order-auditor': { functionArn: inPlace('order-auditor'), roleArn: execRole },
        // A function of another account (docs/deploy.md, Many accounts (hub and spokes)), for apps told to act there
        // with BROKER_TARGET_ACCOUNTS.
        'spoke-processor': { functionArn: SPOKE_FUNCTION, roleArn: `arn:aws:iam::${SPOKE_ACCOUNT}:role/exec` },
      },
      ['order-processor:live', 'order-processor:1'],
    ),
    policies: new InMemoryResourcePolicies(),
    roles: new InMemoryRoles(),
    roleDirectory: new InMemoryRoleDirectory(),
    groups: new InMemoryGroups(),
    sources: new InMemorySources(),
    analyzer: null as PolicyAnalyzer | null,
    mappings: new InMemoryMappings(() => clock.now()),
    reconcileProgress: new InMemoryReconcileProgress(),
    dispatchClaims: new InMemoryDispatchClaims(),
    keys: new InMemoryEventSourceKeys(),
    leases: new InMemoryLeases(() => clock.now()),
    deadlines: noDeadlines,
    scheduler,
    announcer: {
      announce: (r: GrantRequest) => {
        announced.push(r.id);
        return Promise.resolve();
      },
    },
    slackRespond: (url: string, body: Record<string, unknown>) => {
      responses.push({ url, body });
      return Promise.resolve();
    },
    clock,
    ids: new SequentialIds(),
    holder: 'test',
    auditLog: new InMemoryAuditLog(),
    allowlistChanges: new InMemoryAllowlistChanges(),
    auditPublisher: {
      publish: (events: readonly AuditEvent[]) => {
        published.push(...structuredClone(events));
        return Promise.resolve();
      },
    },
    sleeps,
    sleep: (ms: number) => {
      sleeps.push(ms);
      return virtual ? virtual(ms) : Promise.resolve();
    },
  };
  // One table in DynamoDB: a write that applies a proposal decides it in the same transaction.
  ports.allowlist.proposals = ports.allowlistChanges;
  const config = loadConfig({ AWS_REGION: 'us-east-1', BROKER_ADMINS: ADMIN, BROKER_IDENTITY: 'header', ...env });
  const targetAccounts =
    config.BROKER_TARGET_ACCOUNTS.length > 0 ? config.BROKER_TARGET_ACCOUNTS : placed.targetAccounts;
  const app = composeApp(
    config,
    {
      ...settings,
      admins: config.BROKER_ADMINS,
      auditors: config.BROKER_AUDITORS,
      allowlistChangeApprovals: config.BROKER_ALLOWLIST_CHANGE_APPROVALS,
      personRoles: config.BROKER_PERSON_ROLES,
      maxPendingPerRequester: config.BROKER_MAX_PENDING_PER_REQUESTER,
      lambdaRps: config.BROKER_LAMBDA_RPS,
      identityLinks: config.BROKER_SLACK_USERS,
      targetAccounts,
      ...overrides,
    },
    { ...ports, ...chosen },
  );

  let changesSeen = 0;
  let entryChangesSeen = 0;
  let changeRecordsSeen = 0;
  let proposalsSeen = 0;
  /**
   * The deployed pipeline in memory: each stored change (of a request or an allowlist entry) goes through the
   * stream's dispatch, and scheduled work whose time has come runs, until nothing more happens now.
   */
  async function drain(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      const change = ports.store.changes[changesSeen];
      if (change) {
        changesSeen++;
        await app.dispatchChange(change.before, change.after);
        // The audit consumer reads the same change (deployed: a second mapping on the stream).
        await app.publishAudit.requestChanged(change.before, change.after);
        continue;
      }
      const proposal = ports.allowlistChanges.stream[proposalsSeen];
      if (proposal) {
        proposalsSeen++;
        await app.publishAudit.proposalChanged(proposal.before, proposal.after);
      }
      const record = ports.allowlist.changeRecords[changeRecordsSeen];
      if (record) {
        changeRecordsSeen++;
        await app.publishAudit.entryChanged(record);
      }
      const entryId = ports.allowlist.changes[entryChangesSeen];
      if (entryId !== undefined) {
        entryChangesSeen++;
        await app.dispatchEntryChange(entryId, String(entryChangesSeen));
        continue;
      }
      const now = clock.now().toISOString();
      const due = scheduler.scheduled.findIndex((w) => w.at <= now);
      if (due < 0) return;
      const [work] = scheduler.scheduled.splice(due, 1);
      await app.runWork(work as QueuedWork);
    }
    throw new Error('the in-memory pipeline did not settle');
  }

  return {
    app,
    ...ports,
    announced,
    responses,
    published,
    drain,
    /** Moves the clock and lets the pipeline catch up (timers fire). */
    async advance(seconds: number): Promise<void> {
      clock.advance(seconds);
      await drain();
    },
  };
}

export function apiEvent(
  method: string,
  resource: string,
  options: {
    path?: string;
    body?: unknown;
    headers?: Record<string, string>;
    query?: Record<string, string>;
    pathParameters?: Record<string, string>;
    userArn?: string | null;
  } = {},
): APIGatewayProxyEvent {
  const body =
    options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return {
    resource,
    path: options.path ?? resource,
    httpMethod: method,
    headers: { 'Content-Type': 'application/json', ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', identity: { userArn: options.userArn ?? null } },
  } as unknown as APIGatewayProxyEvent;
}

export const lambdaContext = { awsRequestId: 'ctx-1', functionName: 'test' } as Context;

/** A stored request from `requester` (default the orders CI role), by the real use case. */
export async function newRequest(
  app: ReturnType<typeof inMemoryApp>['app'],
  ask: Record<string, unknown> = PRINCIPAL_CASES[2].ask,
  requester = REQUESTER,
) {
  const { request } = await app.createRequest({
    caller: who(requester),
    ask: { ...baseAsk, ...ask },
    dryRun: false,
    idempotencyKey: null,
  });
  return request;
}

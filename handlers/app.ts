/**
 * Composition: builds the adapters from configuration and hands them to the use cases. Called once per runtime
 * (cold start of a Lambda function, or start of the local runner).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { brokerAccount } from '../adapters/aws/broker-account';
import { RateLimiter, limitClient } from '../adapters/aws/rate-limiter';
import { realSleep, systemClock } from '../adapters/clock';
import { DynamoAllowlistStore } from '../adapters/dynamodb/allowlist-store';
import { DynamoRequestStore } from '../adapters/dynamodb/request-store';
import { IamExecutionRoleGateway } from '../adapters/iam/execution-role-gateway';
import { randomIds } from '../adapters/ids';
import { LambdaEventSourceMappingGateway } from '../adapters/lambda/event-source-mapping-gateway';
import { LambdaFunctionDirectory } from '../adapters/lambda/function-directory';
import { LambdaResourcePolicyGateway } from '../adapters/lambda/resource-policy-gateway';
import { DynamoSlackMessageStore } from '../adapters/dynamodb/slack-message-store';
import { SlackClient } from '../adapters/slack/slack-client';
import { SlackNotifier } from '../adapters/slack/slack-notifier';
import { allListeners, observedStore } from '../domain/observed-store';
import { countThrottles } from '../adapters/aws/throttle-counter';
import { GrantMetrics, type MetricSink } from '../adapters/metrics/grant-metrics';
import { backoffMs } from '../domain/grants/backoff';
import { makeGrantOperator } from '../domain/grants/grant-operator';
import type {
  AllowlistStore,
  Clock,
  EventSourceMappingGateway,
  ExecutionRoleGateway,
  FunctionDirectory,
  GrantEventListener,
  IdGenerator,
  RequestStore,
  ResourcePolicyGateway,
  Sleep,
} from '../domain/ports';
import type { BrokerSettings } from '../domain/settings';
import { makeActivateGrant } from '../domain/use-cases/activate-grant';
import { makeCancelRequest } from '../domain/use-cases/cancel-request';
import { makeCreateRequest } from '../domain/use-cases/create-request';
import { makeDecideRequest } from '../domain/use-cases/decide-request';
import { makeEndGrant } from '../domain/use-cases/end-grant';
import { makeManageAllowlist } from '../domain/use-cases/manage-allowlist';
import { makeGetRequest, makeListRequests } from '../domain/use-cases/read-requests';
import { makeRevokeRequest } from '../domain/use-cases/revoke-request';
import { makeReconcile } from '../domain/use-cases/reconcile';
import { makeSweep } from '../domain/use-cases/sweep';
import type { BrokerConfig } from './config';
import { logger } from './logger';

/** Retries per Lambda policy/mapping call before the broker gives up until the next sweep. */
const GRANT_CALL_RETRIES = 5;

export interface AwsClients {
  dynamo: DynamoDBClient;
  /** For GetFunction (its own 100 rps quota). */
  lambda: LambdaClient;
  /** For policy and mapping calls: rate-limited to BROKER_LAMBDA_RPS, more retries on throttling. */
  lambdaGrants: LambdaClient;
  iam: IAMClient;
  sts: STSClient;
}

export function createAwsClients(config: BrokerConfig): AwsClients {
  const common = {
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  };
  // Throttling (429) and 5xx are retried by the SDK with our jittered backoff; each attempt takes a rate slot.
  const lambdaGrants = new LambdaClient({
    ...common,
    retryStrategy: new ConfiguredRetryStrategy(GRANT_CALL_RETRIES, (attempt) => backoffMs(attempt, 200, 5_000)),
  });
  limitClient(lambdaGrants, new RateLimiter(config.BROKER_LAMBDA_RPS));
  return {
    dynamo: new DynamoDBClient(common),
    lambda: new LambdaClient(common),
    lambdaGrants,
    iam: new IAMClient(common),
    sts: new STSClient(common),
  };
}

export interface AppPorts {
  /** Told about every recorded transition (Slack); none when Slack is off. */
  listener?: GrantEventListener;
  /** Answers a Slack interaction through its response_url. */
  slackRespond?: (url: string, body: Record<string, unknown>) => Promise<unknown>;
  store: RequestStore;
  allowlist: AllowlistStore;
  functions: FunctionDirectory;
  policies: ResourcePolicyGateway;
  roles: ExecutionRoleGateway;
  mappings: EventSourceMappingGateway;
  clock: Clock;
  ids: IdGenerator;
  sleep: Sleep;
}

/** Pure wiring: ports and settings in, use cases out (tests compose in-memory ports through here too). */
export function composeApp(config: BrokerConfig, settings: BrokerSettings, ports: AppPorts) {
  const { allowlist, functions, clock, ids } = ports;
  const store = ports.listener ? observedStore(ports.store, ports.listener) : ports.store;
  const operator = makeGrantOperator({ ...ports, settings });
  const activateGrant = makeActivateGrant({ store, operator, clock });
  const endGrant = makeEndGrant({ store, operator, clock });
  return {
    config,
    settings,
    createRequest: makeCreateRequest({ store, allowlist, functions, clock, ids, settings, activateGrant }),
    getRequest: makeGetRequest({ store, allowlist, settings }),
    listRequests: makeListRequests({ store, allowlist, settings }),
    allowlist: makeManageAllowlist({ allowlist, clock, settings }),
    decide: makeDecideRequest({ settings, store, allowlist, clock, activateGrant }),
    cancelRequest: makeCancelRequest({ store, clock }),
    revokeRequest: makeRevokeRequest({ store, allowlist, clock, settings, endGrant }),
    sweep: makeSweep({ store, clock, settings, activateGrant, endGrant }),
    reconcile: makeReconcile({ store, allowlist, functions, policies: ports.policies, operator, clock, settings }),
    slack: {
      signingSecret: config.SLACK_SIGNING_SECRET ?? null,
      now: () => clock.now(),
      respond: ports.slackRespond ?? (() => Promise.resolve()),
      /** response_url comes inside a signed payload, but is still only ever Slack's own host (or the fake's). */
      mayRespondTo: (url: string) =>
        url.startsWith('https://hooks.slack.com/') || new URL(url).origin === new URL(config.SLACK_API_URL).origin,
    },
  };
}

export type App = ReturnType<typeof composeApp>;

/** The AWS-backed app: asks STS who the broker is, then wires the DynamoDB and Lambda adapters. */
export async function buildApp(
  config: BrokerConfig,
  clients = createAwsClients(config),
  overrides: Partial<Pick<AppPorts, 'clock' | 'sleep'>> & { metrics?: MetricSink } = {},
): Promise<App> {
  const { accountId, partition } = await brokerAccount(clients.sts);
  const settings: BrokerSettings = {
    accountId,
    partition,
    region: config.AWS_REGION,
    sidPrefix: config.BROKER_SID_PREFIX,
    minDurationSeconds: config.BROKER_MIN_DURATION_SECONDS,
    pendingTimeoutSeconds: config.BROKER_PENDING_TIMEOUT_SECONDS,
    admins: config.BROKER_ADMINS,
    identityLinks: config.BROKER_SLACK_USERS,
  };
  const db = DynamoDBDocumentClient.from(clients.dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const allowlist = new DynamoAllowlistStore(db, config.BROKER_TABLE_NAME);
  const policies = new LambdaResourcePolicyGateway(clients.lambdaGrants);
  const slack = config.SLACK_BOT_TOKEN
    ? new SlackClient({ apiUrl: config.SLACK_API_URL, token: config.SLACK_BOT_TOKEN })
    : null;
  const { metrics, ...ports } = overrides;
  const listeners: GrantEventListener[] = [];
  if (metrics) {
    listeners.push(new GrantMetrics(metrics));
    countThrottles(clients.lambdaGrants, () => metrics.count('ThrottlesMet'));
  }
  if (slack) {
    listeners.push(
      new SlackNotifier({
        slack,
        messages: new DynamoSlackMessageStore(db, config.BROKER_TABLE_NAME),
        allowlist,
        policies,
        log: { warn: (message, fields) => logger.warn(message, fields ?? {}) },
      }),
    );
  }
  return composeApp(config, settings, {
    ...(listeners.length > 0 ? { listener: allListeners(listeners) } : {}),
    ...(slack ? { slackRespond: (url: string, body: Record<string, unknown>) => slack.respond(url, body) } : {}),
    store: new DynamoRequestStore(db, config.BROKER_TABLE_NAME),
    allowlist,
    functions: new LambdaFunctionDirectory(clients.lambda),
    policies,
    roles: new IamExecutionRoleGateway(clients.iam),
    mappings: new LambdaEventSourceMappingGateway(clients.lambdaGrants),
    clock: systemClock,
    ids: randomIds,
    sleep: realSleep,
    ...ports,
  });
}

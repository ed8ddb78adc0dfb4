/**
 * Composition: builds the adapters from configuration and hands them to the use cases. Called once per runtime
 * (cold start of a Lambda function, or start of the local runner).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../adapters/clock';
import { randomIds } from '../adapters/ids';
import { brokerAccount } from '../adapters/aws/broker-account';
import { DynamoAllowlistStore } from '../adapters/dynamodb/allowlist-store';
import { DynamoRequestStore } from '../adapters/dynamodb/request-store';
import { LambdaFunctionDirectory } from '../adapters/lambda/function-directory';
import type { Clock, IdGenerator } from '../domain/ports';
import type { BrokerSettings } from '../domain/settings';
import { makeCreateRequest } from '../domain/use-cases/create-request';
import { makeManageAllowlist } from '../domain/use-cases/manage-allowlist';
import { makeGetRequest, makeListRequests } from '../domain/use-cases/read-requests';
import type { BrokerConfig } from './config';

export interface AwsClients {
  dynamo: DynamoDBClient;
  lambda: LambdaClient;
  sts: STSClient;
}

export function createAwsClients(config: BrokerConfig): AwsClients {
  const common = {
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  };
  return { dynamo: new DynamoDBClient(common), lambda: new LambdaClient(common), sts: new STSClient(common) };
}

export interface AppOverrides {
  clock?: Clock;
  ids?: IdGenerator;
}

export async function buildApp(config: BrokerConfig, clients = createAwsClients(config), overrides: AppOverrides = {}) {
  const { accountId, partition } = await brokerAccount(clients.sts);
  const settings: BrokerSettings = {
    accountId,
    partition,
    region: config.AWS_REGION,
    sidPrefix: config.BROKER_SID_PREFIX,
    minDurationSeconds: config.BROKER_MIN_DURATION_SECONDS,
    pendingTimeoutSeconds: config.BROKER_PENDING_TIMEOUT_SECONDS,
    admins: config.BROKER_ADMINS,
  };
  const db = DynamoDBDocumentClient.from(clients.dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const store = new DynamoRequestStore(db, config.BROKER_TABLE_NAME);
  const allowlist = new DynamoAllowlistStore(db, config.BROKER_TABLE_NAME);
  const functions = new LambdaFunctionDirectory(clients.lambda);
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;

  return {
    config,
    settings,
    createRequest: makeCreateRequest({ store, allowlist, functions, clock, ids, settings }),
    getRequest: makeGetRequest({ store, allowlist, settings }),
    listRequests: makeListRequests({ store, allowlist, settings }),
    allowlist: makeManageAllowlist({ allowlist, clock, settings }),
  };
}

export type App = Awaited<ReturnType<typeof buildApp>>;

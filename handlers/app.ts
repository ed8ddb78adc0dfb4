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
import type { AllowlistStore, Clock, FunctionDirectory, IdGenerator, RequestStore } from '../domain/ports';
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

export interface AppPorts {
  store: RequestStore;
  allowlist: AllowlistStore;
  functions: FunctionDirectory;
  clock: Clock;
  ids: IdGenerator;
}

/** Pure wiring: ports and settings in, use cases out (tests compose in-memory ports through here too). */
export function composeApp(config: BrokerConfig, settings: BrokerSettings, ports: AppPorts) {
  const { store, allowlist, functions, clock, ids } = ports;
  return {
    config,
    settings,
    createRequest: makeCreateRequest({ store, allowlist, functions, clock, ids, settings }),
    getRequest: makeGetRequest({ store, allowlist, settings }),
    listRequests: makeListRequests({ store, allowlist, settings }),
    allowlist: makeManageAllowlist({ allowlist, clock, settings }),
  };
}

export type App = ReturnType<typeof composeApp>;

/** The AWS-backed app: asks STS who the broker is, then wires the DynamoDB and Lambda adapters. */
export async function buildApp(config: BrokerConfig, clients = createAwsClients(config)): Promise<App> {
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
  return composeApp(config, settings, {
    store: new DynamoRequestStore(db, config.BROKER_TABLE_NAME),
    allowlist: new DynamoAllowlistStore(db, config.BROKER_TABLE_NAME),
    functions: new LambdaFunctionDirectory(clients.lambda),
    clock: systemClock,
    ids: randomIds,
  });
}

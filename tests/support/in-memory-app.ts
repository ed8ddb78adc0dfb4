/** The app composed over in-memory ports, plus an API Gateway event builder: use-case and handler tests, no I/O. */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { composeApp, type AppPorts } from '../../handlers/app';
import { loadConfig } from '../../handlers/config';
import { ADMIN, PRINCIPAL_CASES, REQUESTER, baseAsk, fnArn, settings } from './fixtures';
import { InMemoryMappings, InMemoryResourcePolicies, InMemoryRoles } from './in-memory-gateways';
import {
  FixedClock,
  InMemoryAllowlist,
  InMemoryRequestStore,
  SequentialIds,
  StaticFunctionDirectory,
} from './in-memory';

export function inMemoryApp(env: Record<string, string> = {}, extra: Pick<AppPorts, 'listener' | 'slackRespond'> = {}) {
  const clock = new FixedClock();
  const sleeps: number[] = [];
  const ports = {
    store: new InMemoryRequestStore(),
    allowlist: new InMemoryAllowlist(),
    functions: new StaticFunctionDirectory(
      {
        'order-processor': { functionArn: fnArn('order-processor'), roleArn: 'arn:aws:iam::123456789012:role/exec' },
        'order-auditor': { functionArn: fnArn('order-auditor'), roleArn: 'arn:aws:iam::123456789012:role/exec' },
      },
      ['order-processor:live', 'order-processor:1'],
    ),
    policies: new InMemoryResourcePolicies(),
    roles: new InMemoryRoles(),
    mappings: new InMemoryMappings(() => clock.now()),
    clock,
    ids: new SequentialIds(),
    sleeps,
    sleep: (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
  const config = loadConfig({ AWS_REGION: 'us-east-1', BROKER_ADMINS: ADMIN, BROKER_IDENTITY: 'header', ...env });
  return {
    app: composeApp(config, { ...settings, identityLinks: config.BROKER_SLACK_USERS }, { ...ports, ...extra }),
    ...ports,
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
    caller: { principal: requester, session: null },
    ask: { ...baseAsk, ...ask },
    dryRun: false,
    idempotencyKey: null,
  });
  return request;
}

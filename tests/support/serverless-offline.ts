/**
 * serverless-offline (a third-party API Gateway and Lambda emulator) over the project's serverless.yml, through
 * serverless.offline.js: the deployed handlers, bundled by serverless-esbuild, each in its own worker with the
 * environment serverless.yml gives it. HTTP on one port (API Gateway's REST event shape), Lambda's Invoke API on
 * another; both on 127.0.0.1. Started as a child process, stopped by its pid.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { freePort } from '../../local/moto';

const ROOT = path.resolve(__dirname, '../..');
const READY = /Server ready: (http:\/\/127\.0\.0\.1:\d+)/;
export const OFFLINE_STAGE = 'offline';

export interface Offline {
  httpUrl: string;
  pid: number;
  output(): string;
  /** Invokes a deployed function (routes.json's `function`) through serverless-offline's Lambda Invoke API. */
  invoke(fn: string, event: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startOffline(
  environment: Record<string, string>,
  functions: readonly string[],
  timeoutMs = 180_000,
): Promise<Offline> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/osls/bin/serverless.js'), 'offline', 'start'].concat([
      '--config',
      'serverless.offline.js',
      '--stage',
      OFFLINE_STAGE,
    ]),
    {
      cwd: ROOT,
      env: {
        ...process.env,
        LPB_OFFLINE_HTTP_PORT: String(httpPort),
        LPB_OFFLINE_LAMBDA_PORT: String(lambdaPort),
        LPB_OFFLINE_ENV: JSON.stringify(environment),
        LPB_OFFLINE_FUNCTIONS: functions.join(','),
        SLS_TELEMETRY_DISABLED: '1',
      },
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const httpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serverless-offline not ready in ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    // serverless-offline writes its ready line to stderr or stdout; waiting on one only waited for the next line
    // there, up to a minute later (the sweep's cron).
    const check = () => {
      const ready = READY.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1] as string);
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`serverless-offline exited:\n${out}`));
    });
  });
  const lambda = new LambdaClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${lambdaPort}`,
    credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
  });
  return {
    httpUrl,
    pid: child.pid as number,
    output: () => out,
    invoke: async (fn, event) => {
      const { Payload, FunctionError } = await lambda.send(
        new InvokeCommand({
          FunctionName: `lambda-permission-broker-${OFFLINE_STAGE}-${fn}`,
          Payload: Buffer.from(JSON.stringify(event)),
        }),
      );
      const answer = JSON.parse(Buffer.from(Payload ?? new Uint8Array()).toString('utf8') || 'null') as unknown;
      if (FunctionError) throw new Error(`${fn} failed: ${JSON.stringify(answer)}`);
      return answer;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The event API Gateway REST sends after AWS_IAM authorization: the caller's ARN in requestContext.identity. */
export function iamEvent(
  method: string,
  resource: string,
  options: { pathParameters?: Record<string, string>; body?: unknown; userArn: string },
): APIGatewayProxyEvent {
  const pathParameters = options.pathParameters ?? null;
  const path = resource.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters?.[name] ?? '');
  return {
    resource,
    path,
    httpMethod: method,
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: { 'Content-Type': ['application/json'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters,
    stageVariables: null,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      resourcePath: resource,
      httpMethod: method,
      path: `/${OFFLINE_STAGE}${path}`,
      stage: OFFLINE_STAGE,
      requestId: 'offline-smoke',
      identity: { userArn: options.userArn },
    },
  } as unknown as APIGatewayProxyEvent;
}

export type Answer = APIGatewayProxyResult & { json: Record<string, any> };

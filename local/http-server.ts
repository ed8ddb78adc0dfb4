/**
 * Serves the API on 127.0.0.1 by turning each HTTP request into the event API Gateway REST sends to Lambda
 * (proxy integration, v1 format) and handing it to the same handler the Lambda functions use.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { decodeUtf8Body } from '../handlers/http/api-handler';
import { mapError } from '../handlers/http/error-response';
import { PayloadTooLargeError } from '../handlers/http/http-errors';
import { matchRoute } from '../handlers/http/routes';
import { NotFoundError } from '../domain/errors';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The runner reads at most this much; the handler enforces the contract's 64 KiB itself. */
const READ_LIMIT_BYTES = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > READ_LIMIT_BYTES) {
        reject(new PayloadTooLargeError('the body is over 64 KiB'));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size === 0 ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function lambdaContext(requestId: string): Context {
  return {
    awsRequestId: requestId,
    functionName: 'lambda-permission-broker-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:lambda-permission-broker-local',
    memoryLimitInMB: '256',
    logGroupName: 'local',
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function toApiGatewayEvent(
  req: IncomingMessage,
  body: string | null,
  requestId: string,
): APIGatewayProxyEvent | null {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const matched = matchRoute(method, url.pathname);
  if (!matched) return null;
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = url.searchParams.size > 0;
  return {
    resource: matched.route.path,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: Object.keys(matched.pathParameters).length > 0 ? matched.pathParameters : null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: matched.route.path,
      // No SigV4 locally: the IAM identity is always absent (BROKER_IDENTITY=header supplies one).
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: req.headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  res.writeHead(result.statusCode, result.headers as Record<string, string> | undefined);
  res.end(result.body);
}

function sendError(res: ServerResponse, error: unknown): void {
  const mapped = mapError(error);
  send(res, {
    statusCode: mapped.statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(mapped.body),
  });
}

/**
 * One line per request once it is answered (or abandoned): method, path without the query, status, milliseconds.
 * Never bodies, query strings or header values: they carry identities, Slack signatures and tokens.
 */
function logRequest(req: IncomingMessage, res: ServerResponse, log: (line: string) => void): void {
  const started = performance.now();
  res.once('close', () => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const status = res.writableFinished ? String(res.statusCode) : 'aborted';
    log(`${req.method ?? '-'} ${pathname} ${status} ${Math.round(performance.now() - started)} ms`);
  });
}

export function createLocalServer(handler: ProxyHandler, log?: (line: string) => void): Server {
  return createServer((req, res) => {
    if (log) logRequest(req, res, log);
    const requestId = randomUUID();
    readBody(req)
      .then(async (bytes) => {
        // Bytes that are not UTF-8 are refused (400, as the handler refuses them), never turned into U+FFFD.
        const body = bytes === null ? null : decodeUtf8Body(bytes);
        const event = toApiGatewayEvent(req, body, requestId);
        if (!event) return sendError(res, new NotFoundError(`no route for ${req.method} ${req.url}`));
        send(res, await handler(event, lambdaContext(requestId)));
      })
      .catch((error: unknown) => sendError(res, error));
  });
}

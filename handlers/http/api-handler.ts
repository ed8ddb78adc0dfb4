/**
 * The shared HTTP pipeline for every API Lambda function and the local runner:
 * route (from the table) → transport checks (size, media type, JSON, query parameters) → identity → operation → response.
 * Errors are mapped once, by class, in error-response.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { NotFoundError, ValidationError } from '../../domain/errors';
import type { App } from '../app';
import { logger } from '../logger';
import { mapError } from './error-response';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors';
import { callerOf } from './identity';
import { querySchemaOf } from './openapi';
import type { Operation, OperationInput, OperationResult } from './operation';
import { routeFor, type Route } from './routes';
import { parseOrThrow } from './schemas';

export const MAX_BODY_BYTES = 64 * 1024;
const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

/** API Gateway maps may be null and hold undefined values; header names are compared lower-cased. */
function definedValues(map: Record<string, string | undefined> | null, lowerCaseKeys = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(map ?? {})) {
    if (value !== undefined) out[lowerCaseKeys ? name.toLowerCase() : name] = value;
  }
  return out;
}

/** Fatal: bytes that are not UTF-8 throw instead of becoming U+FFFD. ignoreBOM keeps a BOM as text, as Buffer did. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Request body bytes → text, refusing bytes that are not UTF-8 (issue #15, finding 7). The local runner uses it too. */
export function decodeUtf8Body(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw ValidationError.field('(body)', 'is not valid UTF-8');
  }
}

/**
 * A body API Gateway decoded arrives as a string and its bytes are gone; two marks of trouble are still visible.
 * A lone surrogate: no UTF-8 decoder produces one. U+FFFD: what a lossy decode leaves in place of bad bytes,
 * indistinguishable from one sent on purpose, so it is refused however it arrives (same bytes, same answer in
 * every runtime); JSON can still carry it as the escape \ufffd, which is not a decode's doing.
 */
function checkDecodedText(text: string): string {
  if (LONE_SURROGATE.test(text)) throw ValidationError.field('(body)', 'is not valid UTF-8');
  if (text.includes('\uFFFD')) {
    throw ValidationError.field(
      '(body)',
      'holds U+FFFD, the mark of a lossy UTF-8 decode: send valid UTF-8 (write \\ufffd in JSON to mean that character)',
    );
  }
  return text;
}

function rawBodyOf(event: APIGatewayProxyEvent): string | null {
  if (event.body === null || event.body === undefined || event.body === '') return null;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : null;
  if ((bytes?.length ?? Buffer.byteLength(event.body, 'utf8')) > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError('the body is over 64 KiB');
  }
  return checkDecodedText(bytes ? decodeUtf8Body(bytes) : event.body);
}

function jsonBodyOf(route: Route, raw: string | null, headers: Record<string, string>): unknown {
  if (raw === null || route.auth === 'slack' || (route.method !== 'POST' && route.method !== 'PUT')) return undefined;
  if (!JSON_MEDIA_TYPE.test(headers['content-type'] ?? '')) {
    throw new UnsupportedMediaTypeError('send the body as application/json');
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw ValidationError.field('(body)', 'is not valid JSON');
  }
}

function toResponse(result: OperationResult): APIGatewayProxyResult {
  const headers = { ...(result.body === undefined ? {} : { 'content-type': 'application/json' }), ...result.headers };
  return { statusCode: result.statusCode, headers, body: result.body === undefined ? '' : JSON.stringify(result.body) };
}

export function apiHandler(
  operations: Readonly<Record<string, Operation>>,
  getApp: () => Promise<App>,
  options: { metrics?: Metrics } = {},
) {
  async function handle(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    // Log lines about one grant request carry its id; others the API Gateway request id.
    logger.setCorrelationId(event.pathParameters?.id ?? event.requestContext?.requestId);
    const route = routeFor(event.resource, event.httpMethod);
    const operation = route ? operations[route.operation] : undefined;
    if (!route || !operation) throw new NotFoundError(`no route for ${event.httpMethod} ${event.path}`);
    const headers = definedValues(event.headers, true);
    const rawBody = rawBodyOf(event);
    const body = jsonBodyOf(route, rawBody, headers);
    // Every route refuses query parameters it does not take: none is silently ignored.
    const query = definedValues(event.queryStringParameters);
    parseOrThrow(querySchemaOf(route.operation), query);
    const app = await getApp();
    let caller: ReturnType<OperationInput['caller']> | undefined;
    const input: OperationInput = {
      caller: () => (caller ??= callerOf(event, headers, app.config.BROKER_IDENTITY, app.config.BROKER_PERSON_ROLES)),
      body,
      rawBody,
      pathParameters: definedValues(event.pathParameters),
      query,
      headers,
    };
    return toResponse(await operation(input, app));
  }

  const pipeline = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>().use(
    injectLambdaContext(logger),
  );
  // Deployed functions flush their EMF metrics after each invocation; the local runner records none.
  if (options.metrics) pipeline.use(logMetrics(options.metrics));
  return pipeline
    .use({
      onError: (request) => {
        const mapped = mapError(request.error);
        if (mapped.unexpected) logger.error('unexpected error', { error: request.error as Error });
        request.response = toResponse(mapped);
      },
    })
    .handler(handle);
}

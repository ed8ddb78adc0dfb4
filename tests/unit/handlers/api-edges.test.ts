/**
 * API edges (#12 item 7): every route refuses query parameters it does not take, before anything happens; the OpenAPI
 * error responses are derived from the errors each operation can raise and the one error table.
 */
import { DomainError } from '../../../domain/errors';
import { encodeReconcileCursor } from '../../../domain/use-cases/reconcile';
import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import { ERROR_TABLE } from '../../../handlers/http/error-response';
import { OPERATION_DOCS, errorResponses, openApiDocument } from '../../../handlers/http/openapi';
import { ROUTES } from '../../../handlers/http/routes';
import { ADMIN, PRINCIPAL_CASES, REQUESTER, baseAsk, fnArn, openEntry, who } from '../../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext, newRequest } from '../../support/in-memory-app';

const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];

async function setup() {
  const ctx = inMemoryApp();
  await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
  const request = await newRequest(ctx.app);
  const handler = apiHandler(operations, () => Promise.resolve(ctx.app));
  return { ...ctx, request, handler };
}

describe('query parameters', () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s refuses one it does not take, naming it, and changes nothing',
    async (_name, route) => {
      const { handler, request, store } = await setup();
      const before = structuredClone([...store.requests.values()]);
      const event = apiEvent(route.method, route.path, {
        pathParameters: { id: request.id, entryId: 'orders' },
        query: { bogus: '1' },
        headers: { 'X-Broker-Principal': ADMIN },
        ...(route.method === 'POST' || route.method === 'PUT' ? { body: {} } : {}),
      });
      const response = await handler(event, lambdaContext);
      expect({ status: response.statusCode, body: JSON.parse(response.body) as unknown }).toEqual({
        status: 400,
        body: {
          error: {
            code: 'ValidationError',
            message: 'bogus: bogus is not a known field',
            details: [{ path: 'bogus', message: 'bogus is not a known field' }],
          },
        },
      });
      expect([...store.requests.values()]).toEqual(before);
    },
  );

  it('accepts exactly the query parameters the OpenAPI document lists', async () => {
    const { handler } = await setup();
    for (const route of ROUTES.filter((r) => OPERATION_DOCS[r.operation]?.query)) {
      const operation = openApiDocument().paths[route.path]?.[route.method.toLowerCase()] as {
        parameters: { name: string; in: string }[];
      };
      const documented = operation.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      expect(documented.length).toBeGreaterThan(0);
      const values: Record<string, string> = {
        dryRun: 'true',
        status: 'ACTIVE',
        functionName: 'order-processor',
        limit: '5',
        overdue: 'false',
        mine: 'true',
        cursor: encodeReconcileCursor({ '123456789012': fnArn('order-processor') }),
        since: '2026-01-01T00:00:00Z',
        until: '2030-01-01T00:00:00Z',
        requester: REQUESTER,
        // Proposals under the two-person rule have statuses of their own.
        ...(route.path === '/v1/allowlist/changes' ? { status: 'PENDING' } : {}),
      };
      // Admin routes (discover, the audit trail, proposals) answer admins only.
      const adminOnly =
        route.path.startsWith('/v1/admin/') || ['/v1/audit', '/v1/allowlist/changes'].includes(route.path);
      for (const name of documented.filter((n) => n !== 'nextToken')) {
        const event = apiEvent(route.method, route.path, {
          query: { [name]: values[name] ?? 'x' },
          headers: { 'X-Broker-Principal': adminOnly ? ADMIN : REQUESTER },
          ...(route.operation === 'createRequest' ? { body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask } } : {}),
        });
        // POST /v1/requests?dryRun=true answers 200 as GET /v1/requests does.
        expect({ name, status: (await handler(event, lambdaContext)).statusCode }).toEqual({ name, status: 200 });
      }
    }
  });
});

describe('documented error responses', () => {
  const statusesOf = (operation: string) => {
    const route = ROUTES.find((r) => r.operation === operation);
    const doc = OPERATION_DOCS[operation];
    if (!route || !doc) throw new Error(`no route ${operation}`);
    return [...errorResponses(route, doc).keys()];
  };

  it('are the statuses of what the operation raises, plus what the pipeline answers on its route', () => {
    expect(statusesOf('getRequest')).toEqual([400, 401, 404, 413, 500, 503]);
    expect(statusesOf('approveRequest')).toEqual([400, 401, 403, 404, 409, 413, 415, 500, 503]);
    expect(statusesOf('health')).toEqual([400, 413, 500]);
    expect(statusesOf('slackInteraction')).toEqual([400, 401, 413, 500, 503]);
  });

  it('name only errors the table maps, and say which errors stand behind each status', () => {
    for (const route of ROUTES) {
      const doc = OPERATION_DOCS[route.operation];
      for (const type of doc?.errors ?? []) {
        expect({ error: type.name, mapped: ERROR_TABLE.some(([mapped]) => mapped === type) }).toEqual({
          error: type.name,
          mapped: true,
        });
        expect(type.prototype).toBeInstanceOf(DomainError);
      }
    }
    const responses = openApiDocument().paths['/v1/requests/{id}/approve']?.post as {
      responses: Record<string, { description: string }>;
    };
    expect(responses.responses['403']?.description).toBe('Error: SelfDecisionError, NotAnApproverError');
    expect(responses.responses['409']?.description).toBe(
      'Error: AlreadyApprovedError, StatementChangedError, NoLongerPermittedError, WrongStatusError, KeptChangingError',
    );
  });
});

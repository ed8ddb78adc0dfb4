import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import { ROUTES, matchRoute, routeFor } from '../../../handlers/http/routes';

describe('route table', () => {
  it('is served exactly by the operations of each function entry point', () => {
    for (const [fn, operations] of Object.entries(OPERATIONS_BY_FUNCTION)) {
      const routed = ROUTES.filter((r) => r.function === fn)
        .map((r) => r.operation)
        .sort();
      expect(Object.keys(operations).sort()).toEqual(routed);
    }
    const served = new Set(Object.keys(OPERATIONS_BY_FUNCTION));
    expect(ROUTES.filter((r) => !served.has(r.function))).toEqual([]);
  });

  it('has one row per method and path', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('matches concrete paths to templates with decoded parameters', () => {
    expect(matchRoute('GET', '/v1/requests/abc-1')).toMatchObject({
      route: { operation: 'getRequest' },
      pathParameters: { id: 'abc-1' },
    });
    expect(matchRoute('PUT', '/v1/allowlist/a%2Eb')).toMatchObject({ pathParameters: { entryId: 'a.b' } });
    expect(matchRoute('GET', '/v1/requests/a/b')).toBeUndefined();
    expect(matchRoute('DELETE', '/v1/requests')).toBeUndefined();
    expect(routeFor('/v1/requests/{id}', 'GET')?.operation).toBe('getRequest');
  });
});

/**
 * The route table, read from routes.json: the single source for the Lambda dispatch, the local runner's router,
 * serverless.yml (deploy/functions.js) and the OpenAPI document. To add an endpoint: add a row there, write the
 * operation in operations/, list it in the entry point of the row's function (handlers/http/<function>.ts), describe
 * it in OPERATION_DOCS (openapi.ts) and run `npm run openapi`.
 */
import table from './routes.json';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  operation: string;
  method: HttpMethod;
  /** API Gateway resource path, e.g. /v1/requests/{id}. */
  path: string;
  /** The Lambda function (serverless.yml key) that serves it. */
  function: string;
  /** `caller`: AWS_IAM-authenticated caller; `none`: public; `slack`: Slack-signed. */
  auth: 'caller' | 'none' | 'slack';
}

export const ROUTES: readonly Route[] = table as Route[];

const compiled = ROUTES.map((route) => ({
  route,
  names: [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
}));

/** The route API Gateway chose, identified as it tells Lambda: resource template and method. */
export function routeFor(resource: string, method: string): Route | undefined {
  return ROUTES.find((r) => r.path === resource && r.method === method);
}

/** Matches a concrete path (local runner): the route and its decoded path parameters. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; pathParameters: Record<string, string> } | undefined {
  for (const { route, names, pattern } of compiled) {
    if (route.method !== method) continue;
    const match = pattern.exec(path);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    try {
      names.forEach((name, i) => (pathParameters[name] = decodeURIComponent(match[i + 1] as string)));
    } catch {
      return undefined;
    }
    return { route, pathParameters };
  }
  return undefined;
}

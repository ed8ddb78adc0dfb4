/** Public endpoints: GET /v1/health (touches no dependency) and GET /v1/openapi.json. */
import { openApiDocument } from '../openapi';
import type { Operation } from '../operation';

export const health: Operation = () => Promise.resolve({ statusCode: 200, body: { status: 'ok' } });

let document: ReturnType<typeof openApiDocument> | undefined;

export const openApi: Operation = () => Promise.resolve({ statusCode: 200, body: (document ??= openApiDocument()) });

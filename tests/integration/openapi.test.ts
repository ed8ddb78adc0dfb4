import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { OPERATION_DOCS, openApiDocument } from '../../handlers/http/openapi';
import { ROUTES } from '../../handlers/http/routes';
import { createRequestBody } from '../../handlers/http/schemas';

const committed = JSON.parse(readFileSync(path.resolve(__dirname, '../../docs/openapi.json'), 'utf8')) as unknown;

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const api = (await SwaggerParser.validate(structuredClone(openApiDocument()) as never)) as { openapi: string };
    expect(api.openapi).toBe('3.1.0');
  });

  it('is committed up to date (run `npm run openapi` after changing routes or schemas)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('documents every route, and only those', () => {
    const doc = openApiDocument();
    const documented = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(Object.keys(OPERATION_DOCS).sort()).toEqual(ROUTES.map((r) => r.operation).sort());
  });

  it('takes request bodies from the schemas the handlers validate with', () => {
    const op = openApiDocument().paths['/v1/requests']?.post as {
      requestBody: { content: Record<string, { schema: unknown }> };
    };
    const { $schema: _s, ...expected } = z.toJSONSchema(createRequestBody, { io: 'input' }) as Record<string, unknown>;
    expect(op.requestBody.content['application/json']?.schema).toEqual(expected);
  });
});

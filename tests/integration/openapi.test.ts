import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import path from 'node:path';
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

  it('documents the create body the handler takes: its fields, and which ones it refuses to go without', () => {
    const op = openApiDocument().paths['/v1/requests']?.post as {
      requestBody: { content: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }> };
    };
    const documented = op.requestBody.content['application/json']?.schema;
    const refused = (body: Record<string, unknown>) =>
      (createRequestBody.safeParse(body).error?.issues ?? []).flatMap((i) =>
        i.code === 'unrecognized_keys' ? i.keys : i.path.map(String),
      );
    // Every documented field is one the handler knows; an undocumented one is refused.
    const everyField = Object.fromEntries(Object.keys(documented?.properties ?? {}).map((name) => [name, null]));
    expect(refused(everyField).filter((name) => !(name in everyField))).toEqual([]);
    expect(refused({ sourceARN: 'x' })).toContain('sourceARN');
    // The documented required fields are exactly those an empty body is refused for.
    expect([...(documented?.required ?? [])].sort()).toEqual(refused({}).sort());
  });
});

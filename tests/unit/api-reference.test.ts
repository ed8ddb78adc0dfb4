/** docs/api.md is generated from docs/openapi.json and scripts/api-contract.md (`npm run openapi`) and kept current. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderApiReference, type OpenApiDocument } from '../../scripts/api-reference';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const committedDoc = JSON.parse(read('docs/openapi.json')) as OpenApiDocument;
const contract = read('scripts/api-contract.md');
const render = (doc: OpenApiDocument) => renderApiReference(doc, contract);

it('is committed up to date (run `npm run openapi` after changing routes, schemas or the contract text)', () => {
  expect(read('docs/api.md')).toBe(render(committedDoc));
});

it('documents every operation of the document, and the contract text around them', () => {
  const text = render(committedDoc);
  for (const [route, methods] of Object.entries(committedDoc.paths)) {
    for (const method of Object.keys(methods)) expect(text).toContain(`### \`${method.toUpperCase()} ${route}\``);
  }
  for (const heading of ['## Who is calling', '## Errors', '## The lifecycle of a request', '## Answers, and the work'])
    expect(text).toContain(heading);
});

it('shows the descriptions and examples the document carries, and links named schemas', () => {
  const doc: OpenApiDocument = {
    info: { title: 'probe', version: '9' },
    components: { schemas: { Thing: { type: 'object', properties: { name: { type: 'string' } } } } },
    paths: {
      '/v1/things/{id}': {
        get: {
          operationId: 'getThing',
          summary: 'Read a thing',
          description: 'Things are read-only.',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', examples: ['t-42'] } }],
          responses: {
            '200': {
              description: 'OK',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/Thing' }, example: { name: 'spanner' } },
              },
            },
          },
        },
      },
    },
  };
  const text = render(doc);
  expect(text).toContain('Things are read-only.');
  expect(text).toContain('e.g. `t-42`');
  expect(text).toContain('"name": "spanner"');
  expect(text).toMatch(/\| 200 +\| OK +\| \[Thing\]\(#schema-thing\) +\|/);
});

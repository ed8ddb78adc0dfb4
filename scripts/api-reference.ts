/**
 * Renders docs/api.md from the OpenAPI document: the hand-written contract (scripts/api-contract.md: identity, errors,
 * lifecycle, what happens behind an answer) and then every operation and schema the document holds, so the reference
 * cannot drift from the routes and zod schemas the handlers use. Descriptions and examples added to the document show.
 */
/** The parts of an OpenAPI 3.1 document this reads. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  examples?: unknown[];
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: boolean | Schema;
}
interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value?: unknown }>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { required?: boolean; description?: string; content: Record<string, MediaType> };
  responses: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}
export interface OpenApiDocument {
  info: { title: string; version: string };
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, { description?: string }> };
  paths: Record<string, Record<string, Operation>>;
}

/** Response schemas shown once under a name, taken from the operation that returns exactly that resource. */
const NAMED_RESPONSES: [name: string, operationId: string][] = [
  ['Request', 'getRequest'],
  ['Allowlist entry', 'getAllowlistEntry'],
];
/** JavaScript's largest safe integer: zod's bound for an unbounded int, not a rule worth printing. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

const anchor = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function operations(doc: OpenApiDocument): [method: string, path: string, op: Operation][] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]): [string, string, Operation] => [method.toUpperCase(), path, op]),
  );
}

/** Named schemas: the document's components, then the resources of NAMED_RESPONSES. */
function namedSchemas(doc: OpenApiDocument): Map<string, Schema> {
  const named = new Map<string, Schema>(Object.entries(doc.components?.schemas ?? {}));
  for (const [name, operationId] of NAMED_RESPONSES) {
    const op = operations(doc).find(([, , o]) => o.operationId === operationId)?.[2];
    const schema = op?.responses['200']?.content?.['application/json']?.schema;
    if (schema) named.set(name, schema);
  }
  return named;
}

class Renderer {
  private readonly named: Map<string, Schema>;

  constructor(private readonly doc: OpenApiDocument) {
    this.named = namedSchemas(doc);
  }

  private nameOf(schema: Schema): string | null {
    if (schema.$ref) return schema.$ref.split('/').pop() ?? null;
    const text = JSON.stringify(schema);
    for (const [name, s] of this.named) if (JSON.stringify(s) === text) return name;
    return null;
  }

  private link(name: string): string {
    return `[${name}](#schema-${anchor(name)})`;
  }

  /** A schema's type in a few words: `string or null`, `array of Request`, an enum's values. */
  typeOf(schema: Schema, top = false): string {
    const name = top ? null : this.nameOf(schema);
    if (name) return this.link(name);
    if (schema.const !== undefined) return code(schema.const);
    if (schema.enum) return schema.enum.map(code).join(' | ');
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives) return alternatives.map((s) => this.alternative(s)).join(' or ');
    if (schema.type === 'array' && schema.items) return `array of ${this.typeOf(schema.items)}`;
    if (schema.type === 'object' && !schema.properties && schema.additionalProperties !== false) return 'object (map)';
    const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any'];
    return types.join(' or ');
  }

  /** One side of `X or Y`, bracketed when it is a phrase itself: `(array of string) or null`. */
  private alternative(schema: Schema): string {
    const text = this.typeOf(schema);
    return text.includes(' of ') ? `(${text})` : text;
  }

  /** Constraints, description and example of a schema, as one sentence-like cell. */
  private notes(schema: Schema): string {
    const parts: string[] = [];
    const inner = [schema, ...(schema.anyOf ?? schema.oneOf ?? [])];
    for (const s of inner) {
      if (s.description) parts.push(s.description);
      if (s.minLength !== undefined || s.maxLength !== undefined)
        parts.push(`${s.minLength ?? 0}–${s.maxLength ?? '…'} characters`);
      if (s.minimum !== undefined || (s.maximum !== undefined && s.maximum < UNBOUNDED))
        parts.push(
          s.maximum !== undefined && s.maximum < UNBOUNDED ? `${s.minimum ?? '…'}–${s.maximum}` : `≥ ${s.minimum}`,
        );
      if (s.pattern) parts.push(`pattern ${code(s.pattern)}`);
      if (s.format) parts.push(`format ${s.format}`);
      if (s.default !== undefined) parts.push(`default ${code(s.default)}`);
      const example = s.examples?.[0] ?? s.example;
      if (example !== undefined) parts.push(`e.g. ${code(example)}`);
    }
    return cell([...new Set(parts)].join('; '));
  }

  /** The object inside a schema whose fields are worth listing (itself, or the non-null side of `X or null`). */
  private objectOf(schema: Schema): Schema | null {
    if (schema.properties) return schema;
    const alternatives = (schema.anyOf ?? schema.oneOf ?? []).filter((s) => s.properties);
    return alternatives.length === 1 ? (alternatives[0] ?? null) : null;
  }

  /** One row per field, nested objects and arrays of objects as `a.b` and `a[].b`; named schemas are linked. */
  fieldRows(schema: Schema, prefix = '', withRequired = true): string[] {
    const object = this.objectOf(schema);
    if (!object?.properties) return [];
    return Object.entries(object.properties).flatMap(([key, field]) => {
      const name = `${prefix}${key}`;
      const required = withRequired ? ` | ${object.required?.includes(key) ? 'yes' : 'no'}` : '';
      const row = `| \`${name}\` | ${cell(this.typeOf(field))}${required} | ${this.notes(field)} |`;
      if (this.nameOf(field)) return [row];
      const items = field.type === 'array' && field.items && !this.nameOf(field.items) ? field.items : null;
      const nested = items
        ? this.fieldRows(items, `${name}[].`, withRequired)
        : this.fieldRows(field, `${name}.`, withRequired);
      return [row, ...nested];
    });
  }

  private fieldTable(schema: Schema, withRequired: boolean): string[] {
    const rows = this.fieldRows(schema, '', withRequired);
    if (rows.length === 0) {
      const type = this.typeOf(schema);
      return [type === 'object' ? 'An empty JSON object, `{}`.' : `A value of type ${cell(type)}.`];
    }
    return [
      withRequired ? '| field | type | required | notes |' : '| field | type | notes |',
      withRequired ? '| --- | --- | --- | --- |' : '| --- | --- | --- |',
      ...rows,
    ];
  }

  private examples(media: MediaType): string[] {
    const values = [
      ...(media.example !== undefined ? [{ summary: 'Example', value: media.example }] : []),
      ...Object.values(media.examples ?? {}).map((e) => ({ summary: e.summary ?? 'Example', value: e.value })),
    ];
    return values.flatMap(({ summary, value }) => [
      `${summary}:`,
      '',
      '```json',
      JSON.stringify(value, null, 2),
      '```',
      '',
    ]);
  }

  private auth(op: Operation): string {
    const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
    if (schemes.length === 0) return 'none (see [Who is calling](#who-is-calling) for Slack’s signature)';
    return schemes
      .map((s) => `\`${s}\`: ${this.doc.components?.securitySchemes?.[s]?.description ?? 'see Who is calling'}`)
      .join(', ');
  }

  operation(method: string, path: string, op: Operation): string[] {
    const id = op.operationId ?? `${method} ${path}`;
    const out = [`<a id="op-${anchor(id)}"></a>`, '', `### \`${method} ${path}\``, '', op.summary ?? '', ''];
    if (op.description) out.push(op.description, '');
    out.push(`Authentication: ${this.auth(op)}.`, '');
    if (op.parameters?.length) {
      out.push('| parameter | in | required | type | notes |', '| --- | --- | --- | --- | --- |');
      for (const p of op.parameters) {
        const notes = [p.description, p.schema ? this.notes(p.schema) : ''].filter(Boolean).join('; ');
        const type = p.schema ? this.typeOf(p.schema) : 'string';
        out.push(`| \`${p.name}\` | ${p.in} | ${p.required ? 'yes' : 'no'} | ${cell(type)} | ${cell(notes)} |`);
      }
      out.push('');
    }
    for (const [mediaType, media] of Object.entries(op.requestBody?.content ?? {})) {
      const required = op.requestBody?.required ? 'required' : 'optional';
      out.push(`Request body (\`${mediaType}\`, ${required}):`, '');
      if (op.requestBody?.description) out.push(op.requestBody.description, '');
      if (media.schema) out.push(...this.fieldTable(media.schema, true), '');
      out.push(...this.examples(media));
    }
    out.push('| status | meaning | body |', '| --- | --- | --- |');
    for (const [status, response] of Object.entries(op.responses)) {
      const media = response.content?.['application/json'];
      const body = media?.schema ? this.typeOf(media.schema) : '—';
      out.push(`| ${status} | ${cell(response.description ?? '')} | ${cell(body)} |`);
    }
    out.push('');
    for (const [status, response] of Object.entries(op.responses)) {
      const media = response.content?.['application/json'];
      if (!media) continue;
      const schema = media.schema;
      // Bodies without a name of their own are listed here (named ones in Schemas).
      if (schema && !this.nameOf(schema) && this.fieldRows(schema).length > 0) {
        out.push(`Body of \`${status}\`:`, '', ...this.fieldTable(schema, false), '');
      }
      out.push(...this.examples(media));
    }
    return out;
  }

  document(contract: string): string {
    const ops = operations(this.doc);
    const lines = [
      '<!-- Generated by `npm run openapi` (scripts/write-api-reference.ts) from docs/openapi.json and',
      '     scripts/api-contract.md. Edit those, then run npm run openapi; a test fails while this file is stale. -->',
      '',
      `# ${this.doc.info.title} API reference`,
      '',
      `API version ${this.doc.info.version}. The machine-readable form is [openapi.json](openapi.json) (OpenAPI 3.1),`,
      'also served at `GET /v1/openapi.json`.',
      '',
      // The contract file opens with a comment for its own readers.
      contract.replace(/^<!--[\s\S]*?-->\s*/, '').trim(),
      '',
      '## Endpoints',
      '',
      '| method | path | authentication | summary |',
      '| --- | --- | --- | --- |',
      ...ops.map(([method, path, op]) => {
        const auth = op.security?.length ? 'SigV4' : 'none';
        const target = `#op-${anchor(op.operationId ?? `${method} ${path}`)}`;
        return `| ${method} | [\`${path}\`](${target}) | ${auth} | ${cell(op.summary ?? '')} |`;
      }),
      '',
      ...ops.flatMap(([method, path, op]) => this.operation(method, path, op)),
      '## Schemas',
      '',
    ];
    for (const [name, schema] of this.named) {
      lines.push(`<a id="schema-${anchor(name)}"></a>`, '', `### ${name}`, '');
      if (schema.description) lines.push(schema.description, '');
      lines.push(...this.fieldTable(this.objectOf(schema) ?? schema, false), '');
    }
    return `${lines.join('\n')}\n`;
  }
}

/** Pads each Markdown table's columns to one width, so the file reads as a table as well as rendering as one. */
export function alignTables(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    if (!lines[i]!.startsWith('|')) {
      out.push(lines[i++]!);
      continue;
    }
    const block: string[][] = [];
    while (i < lines.length && lines[i]!.startsWith('|')) {
      // Cells split on unescaped pipes; `\|` stays inside its cell.
      block.push(
        lines[i++]!.slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim()),
      );
    }
    const widths = block[0]!.map((_, col) =>
      Math.max(3, ...block.map((row, r) => (r === 1 ? 0 : (row[col] ?? '').length))),
    );
    for (const [r, row] of block.entries()) {
      out.push(`| ${widths.map((w, col) => (r === 1 ? '-'.repeat(w) : (row[col] ?? '').padEnd(w))).join(' | ')} |`);
    }
  }
  return out.join('\n');
}

/** docs/api.md's text: the contract, then the document's operations and schemas. */
export function renderApiReference(doc: OpenApiDocument, contract: string): string {
  return `${alignTables(new Renderer(doc).document(contract))
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

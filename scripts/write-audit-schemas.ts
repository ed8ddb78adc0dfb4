/**
 * Writes the JSON Schemas of the audit events' details into the audit doc (docs/audit.md, JSON Schemas of the details),
 * between its two markers (`npm run openapi`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { auditJsonSchemas } from '../handlers/events/audit-schemas';

export const AUDIT_DOC = path.resolve(__dirname, '../docs/audit.md');
export const START = '<!-- audit-schemas:start (npm run openapi writes this part) -->';
export const END = '<!-- audit-schemas:end -->';

/** The part between the markers: one heading and one JSON block per detail. */
export function renderAuditSchemas(): string {
  return Object.entries(auditJsonSchemas())
    .map(([name, schema]) => `### ${name}\n\n\`\`\`json\n${JSON.stringify(schema, null, 2)}\n\`\`\``)
    .join('\n\n');
}

export function withAuditSchemas(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/audit.md lacks the markers ${START} … ${END}`);
  return `${doc.slice(0, start + START.length)}\n\n${renderAuditSchemas()}\n\n${doc.slice(end)}`;
}

if (require.main === module) {
  writeFileSync(AUDIT_DOC, withAuditSchemas(readFileSync(AUDIT_DOC, 'utf8')));
  process.stdout.write(`wrote ${AUDIT_DOC}\n`);
}

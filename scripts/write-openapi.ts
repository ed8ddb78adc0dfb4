/** Writes docs/openapi.json from the route table and zod schemas (`npm run openapi`). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../handlers/http/openapi';

export const OPENAPI_FILE = path.resolve(__dirname, '../docs/openapi.json');

writeFileSync(OPENAPI_FILE, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${OPENAPI_FILE}\n`);

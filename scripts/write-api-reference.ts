/** Writes docs/api.md from docs/openapi.json and scripts/api-contract.md (`npm run openapi`, after write-openapi). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderApiReference, type OpenApiDocument } from './api-reference';

export const API_REFERENCE_FILE = path.resolve(__dirname, '../docs/api.md');
export const OPENAPI_JSON = path.resolve(__dirname, '../docs/openapi.json');
export const CONTRACT_FILE = path.resolve(__dirname, 'api-contract.md');

const doc = JSON.parse(readFileSync(OPENAPI_JSON, 'utf8')) as OpenApiDocument;
writeFileSync(API_REFERENCE_FILE, renderApiReference(doc, readFileSync(CONTRACT_FILE, 'utf8')));
process.stdout.write(`wrote ${API_REFERENCE_FILE}\n`);

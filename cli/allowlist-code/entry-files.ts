/**
 * The allowlist as files (docs/allowlist-as-code.md): one file per entry, `<id>.yaml`, `<id>.yml` or `<id>.json`,
 * holding the entry's PUT body. Read back through the API's own schema, so a file that omits a field with a default
 * means that default, and a file the API would refuse is refused here, naming the file and the field.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { allowlistEntryBody, ENTRY_ID } from '../../handlers/http/schemas';
import { InputError } from '../json-input';

/** An entry as the files hold it: the PUT body, defaults filled in. */
export type EntryBody = Record<string, unknown>;

/** What the API adds to an entry that is not the author's to write. */
const METADATA = new Set(['id', 'version', 'updatedAt', 'updatedBy']);

const EXTENSIONS = ['.yaml', '.yml', '.json'];

/** The entry's body: what a file holds (the API's metadata left out). */
export function bodyOf(entry: Record<string, unknown>): EntryBody {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => !METADATA.has(key)));
}

function parse(file: string, text: string): unknown {
  try {
    return file.endsWith('.json') ? (JSON.parse(text) as unknown) : load(text, { filename: file });
  } catch (error) {
    throw new InputError(`${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/** Every entry file in `dir`, by entry id. */
export async function readEntryFiles(dir: string): Promise<Map<string, { file: string; body: EntryBody }>> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (error) {
    throw new InputError(`--dir ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const entries = new Map<string, { file: string; body: EntryBody }>();
  for (const name of names) {
    const extension = EXTENSIONS.find((e) => name.endsWith(e));
    if (!extension) continue;
    const id = name.slice(0, -extension.length);
    const file = path.join(dir, name);
    if (!ENTRY_ID.test(id)) throw new InputError(`${file}: "${id}" is not an entry id (1-64 of [A-Za-z0-9_.-])`);
    const other = entries.get(id);
    if (other) throw new InputError(`${file} and ${other.file} both hold entry ${id}`);
    const raw = parse(file, await readFile(file, 'utf8'));
    const parsed = allowlistEntryBody.safeParse(raw && typeof raw === 'object' ? bodyOf(raw as EntryBody) : raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`);
      throw new InputError(`${file}: ${issues.join('; ')}`);
    }
    entries.set(id, { file, body: parsed.data });
  }
  return entries;
}

/** Writes one entry's body as `<dir>/<id>.yaml` (or `.json`); answers the file's path. */
export async function writeEntryFile(dir: string, id: string, body: EntryBody, format: 'yaml' | 'json') {
  const file = path.join(dir, `${id}.${format}`);
  const text = format === 'json' ? `${JSON.stringify(body, null, 2)}\n` : dump(body, { lineWidth: 120, noRefs: true });
  await writeFile(file, text, 'utf8');
  return file;
}

/**
 * No import cycles (run by `npm run lint`): a module that imports, however indirectly, a module that imports it back
 * makes both hard to change alone and their load order fragile. Every relative import counts, type-only ones too:
 * a cycle of types still ties two modules' shapes together. Reads the tracked .ts files with TypeScript's own
 * import scanner (no type check); prints each cycle and exits 1 when there is one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The modules `file` imports that are among `files` (relative specifiers, resolved as TypeScript would). */
function importsOf(file: string, source: string, files: ReadonlySet<string>): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  const found: string[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = path.posix.join(path.posix.dirname(file), fileName).replace(/\.js$/, '');
    const hit = [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => files.has(candidate));
    if (hit) found.push(hit);
  }
  return found;
}

/** Each cycle once, as the modules along it (first repeated at the end), found by depth-first search. */
export function findCycles(sources: ReadonlyMap<string, string>): string[][] {
  const files = new Set(sources.keys());
  const edges = new Map([...sources].map(([file, source]) => [file, importsOf(file, source, files)]));
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        // The same cycle found from another start is one cycle: keyed by its members in order from the smallest.
        const start = cycle.indexOf([...cycle].sort()[0] as string);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(canonical.join(' → '), [...canonical, canonical[0] as string]);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...files].sort()) if (!state.has(file)) visit(file);
  return [...cycles.values()];
}

function main(): void {
  const root = path.resolve(__dirname, '..');
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts'], {
    cwd: root,
  })
    .toString()
    .split('\n')
    .filter((f) => f && !f.startsWith('node_modules/') && existsSync(path.join(root, f)));
  const cycles = findCycles(new Map(tracked.map((f) => [f, readFileSync(path.join(root, f), 'utf8')])));
  for (const cycle of cycles) process.stderr.write(`import cycle: ${cycle.join(' → ')}\n`);
  if (cycles.length > 0) process.exit(1);
  process.stdout.write(`no import cycles among ${tracked.length} modules\n`);
}

if (require.main === module) main();

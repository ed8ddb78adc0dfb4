/**
 * Comments point at the docs by heading — `docs/<file>.md, <heading>` — never at contract section numbers, which
 * exist nowhere in this repository. Each such reference must name a heading (or a bold lead-in of a list item) that
 * the file has, so a renamed heading shows up here rather than as a dead pointer.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SOURCES = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts', '*.js', '*.mjs', '*.cjs', '*.yml', '*.py'],
  { cwd: ROOT },
)
  .toString()
  .split('\n')
  .filter((f) => f && !f.startsWith('docs/') && !f.startsWith('packages/') && !f.endsWith('package-lock.json'));

/** What a reference may name in a doc: its headings, and the bold lead-ins of its list items. */
function namesIn(doc: string): string[] {
  const text = readFileSync(path.join(ROOT, doc), 'utf8');
  const headings = [...text.matchAll(/^#{1,4} (.+)$/gm)].map((m) => m[1] as string);
  const leads = [...text.matchAll(/^- \*\*(.+?)\*\*/gm)].map((m) => m[1] as string);
  return [...headings, ...leads];
}

/** The comment text of a line, without its marker. */
const commentText = (line: string) => line.replace(/^\s*(\/\*\*|\*\/|\*|\/\/|#)\s?/, '').trim();

/** Every `docs/<file>.md, <rest>` in the sources, with the next line's comment text to follow a wrapped heading. */
function references(): { where: string; doc: string; rest: string }[] {
  const found: { where: string; doc: string; rest: string }[] = [];
  for (const file of SOURCES) {
    const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/(docs\/[\w-]+\.md), /g)) {
        const rest = `${line.slice((m.index ?? 0) + m[0].length)} ${commentText(lines[i + 1] ?? '')}`;
        found.push({ where: `${file}:${i + 1}`, doc: m[1] as string, rest: rest.replace(/^["'“]/, '') });
      }
    });
  }
  return found;
}

it('points each docs reference at a heading that exists', () => {
  const refs = references();
  expect(refs.length).toBeGreaterThan(50);
  const names = new Map<string, string[]>();
  const dead = refs.filter(({ doc, rest }) => {
    if (!names.has(doc)) names.set(doc, namesIn(doc));
    const known = names.get(doc) as string[];
    // The reference runs to its closing bracket or sentence; it may name the start of a heading. "A: B" names a
    // heading B under heading A.
    const named = (/^(.*?)(?:\)|;|\. | \*\/|$)/.exec(rest)?.[1] ?? rest).trim();
    // A template (a reference built at run time, deploy/monitoring.js) is checked where it is used.
    if (named.includes('${')) return false;
    const parts = named.split(': ');
    const fits = (n: string) => rest.startsWith(n) || (named.length >= 4 && n.startsWith(named));
    return !known.some((n) => fits(n) || (parts.length > 1 && n === parts[0]));
  });
  expect(dead.map((r) => `${r.where} → ${r.doc}, ${r.rest.slice(0, 50)}`)).toEqual([]);
});

it('cites no contract section numbers', () => {
  const cited = SOURCES.filter(
    (file) => file !== 'tests/unit/doc-references.test.ts' && /§\d/.test(readFileSync(path.join(ROOT, file), 'utf8')),
  );
  expect(cited).toEqual([]);
});

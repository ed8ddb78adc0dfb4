/**
 * The README and docs/ stand alone: every relative link (and its #anchor) resolves inside the repository, and nothing
 * points at the contract or notes that live outside it.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens; plus explicit `<a id>` anchors. */
function anchorsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  const headings = [...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
    m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-'),
  );
  const explicit = [...markdown.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!);
  return new Set([...headings, ...explicit]);
}

const links = DOCS.flatMap((file) =>
  [
    ...read(file)
      .replace(/```[\s\S]*?```/g, '')
      .matchAll(/\]\(([^)\s]+)\)/g),
  ]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => ({ file, target })),
);

it('finds the links it checks', () => {
  expect(links.length).toBeGreaterThan(30);
});

it.each(DOCS)('%s points at nothing outside the repository', (file) => {
  expect(read(file)).not.toMatch(/\.\.\/shared|shared\/(API|facts|design)|\bAPI\.md §|§\d/);
});

it('resolves every relative link and anchor', () => {
  const broken = links.filter(({ file, target }) => {
    const [pathPart, anchor] = target.split('#');
    const resolved = pathPart ? path.join(path.dirname(path.join(ROOT, file)), pathPart) : path.join(ROOT, file);
    if (!existsSync(resolved)) return true;
    return anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor);
  });
  expect(broken).toEqual([]);
});

/**
 * The partition is configured (aws, aws-cn, aws-us-gov, …), never written into the code (issue #12 item 4): no
 * `arn:aws:` literal in the code that runs, comments included, so a copy-paste cannot bring one back unseen.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const CODE_FOLDERS = ['domain', 'adapters', 'policies', 'handlers'];
const LITERAL = /arn:aws:/;

function filesUnder(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|js|json)$/.test(file))
    .map((file) => path.join(folder, file));
}

it('no arn:aws: literal in domain/, adapters/, policies/ or handlers/', () => {
  const files = CODE_FOLDERS.flatMap(filesUnder);
  expect(files.length).toBeGreaterThan(50);
  const found = files.flatMap((file) =>
    readFileSync(path.join(ROOT, file), 'utf8')
      .split('\n')
      .flatMap((line, i) => (LITERAL.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
  );
  expect(found).toEqual([]);
});

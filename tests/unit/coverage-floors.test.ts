/** The coverage floors npm test holds each folder to (scripts/coverage-floors.ts). */
import path from 'node:path';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import { belowFloor, hasRuntimeCode, linesByFolder } from '../../scripts/coverage-floors';

const ROOT = path.resolve(__dirname, '../..');
const ARN_FILE = path.join(ROOT, 'domain/rules/arn.ts');

/** One run's coverage of domain/rules/arn.ts: two lines, `hit` says which ran. */
function run(hit: [number, number]): CoverageMapData {
  const line = (n: number) => ({ start: { line: n, column: 0 }, end: { line: n, column: 10 } });
  return {
    [ARN_FILE]: {
      path: ARN_FILE,
      statementMap: { '0': line(15), '1': line(16) },
      fnMap: {},
      branchMap: {},
      s: { '0': hit[0], '1': hit[1] },
      f: {},
      b: {},
    },
  };
}

it('merges the runs: a line either run covered is covered', () => {
  const domain = (runs: CoverageMapData[]) => linesByFolder(runs, ROOT).find((r) => r.folder === 'domain');
  expect(domain([run([1, 0])])).toMatchObject({ covered: 1, total: 2, percent: 50 });
  expect(domain([run([1, 0]), run([0, 3])])).toMatchObject({ covered: 2, total: 2, percent: 100 });
});

it('fails a floored folder below its floor, and one with no lines measured', () => {
  const failing = belowFloor(linesByFolder([run([1, 0])], ROOT)).map((r) => r.folder);
  expect(failing).toEqual(['domain', 'adapters']);
  expect(belowFloor(linesByFolder([run([1, 1])], ROOT)).map((r) => r.folder)).toEqual(['adapters']);
});

it('does not count modules that hold only types (nothing in them can run)', () => {
  expect(hasRuntimeCode("import type { A } from './a';\nexport interface B { a: A }\nexport type C = B[];\n")).toBe(
    false,
  );
  expect(hasRuntimeCode('/** one */\nexport const one = 1;\n')).toBe(true);
  expect(hasRuntimeCode('export enum E { A }\n')).toBe(true);
});

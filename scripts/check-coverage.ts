/**
 * `npm run coverage:check`, after coverage:unit and coverage:emulated (integration, e2e and browser): prints line
 * coverage per folder and fails when a folder is below its floor (scripts/coverage-floors.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import { belowFloor, linesByFolder } from './coverage-floors';

const ROOT = path.resolve(__dirname, '..');
const RUNS = ['unit', 'emulated'];

const runs = RUNS.map((run) => {
  const file = path.join(ROOT, 'coverage', run, 'coverage-final.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CoverageMapData;
  } catch (error) {
    throw new Error(`no coverage from the ${run} run (${file}): run npm run coverage:${run} first`, { cause: error });
  }
});
const rows = linesByFolder(runs, ROOT);
for (const r of rows) {
  const floor = r.floor === null ? '' : ` (floor ${r.floor}%)`;
  process.stdout.write(`${r.folder.padEnd(10)} ${`${r.percent}%`.padStart(7)} of ${r.total} lines${floor}\n`);
}
const failing = belowFloor(rows);
if (failing.length > 0) {
  process.stderr.write(`line coverage below the floor: ${failing.map((r) => r.folder).join(', ')}\n`);
  process.exitCode = 1;
}

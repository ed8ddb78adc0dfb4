/**
 * Line coverage per source folder, unit and integration runs merged (a line either covers is covered), held to a
 * floor per folder: domain/ is pure and fully reachable from unit tests; adapters/ count their moto runs.
 */
import { createCoverageMap, type CoverageMapData } from 'istanbul-lib-coverage';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The least share of lines (percent) each folder's tests must run; folders not listed are reported only. */
export const LINE_FLOORS: Readonly<Record<string, number>> = { domain: 95, adapters: 80 };
export const REPORTED_FOLDERS = ['domain', 'adapters', 'policies', 'handlers'] as const;

export interface FolderLines {
  folder: string;
  covered: number;
  total: number;
  percent: number;
  floor: number | null;
}

/**
 * Whether a module holds code that runs. Type-only modules (ports, model interfaces) compile to nothing, so no test
 * can run them, yet V8 coverage reports their lines as missed.
 */
export function hasRuntimeCode(source: string): boolean {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, removeComments: true },
  }).outputText;
  return js.replace(/export \{\};/g, '').trim() !== '';
}

/** Each folder's lines over all runs' coverage (jest's coverage-final.json files), for files under `root`. */
export function linesByFolder(runs: CoverageMapData[], root: string): FolderLines[] {
  const merged = createCoverageMap({});
  for (const run of runs) merged.merge(run);
  const counts = new Map<string, { covered: number; total: number }>();
  for (const file of merged.files()) {
    if (!hasRuntimeCode(readFileSync(file, 'utf8'))) continue;
    const folder = path.relative(root, file).split(path.sep)[0] ?? '';
    const lines = merged.fileCoverageFor(file).toSummary().lines;
    const sum = counts.get(folder) ?? { covered: 0, total: 0 };
    counts.set(folder, { covered: sum.covered + lines.covered, total: sum.total + lines.total });
  }
  return REPORTED_FOLDERS.map((folder) => {
    const { covered, total } = counts.get(folder) ?? { covered: 0, total: 0 };
    // A floored folder with no lines measured fails: a misconfigured run must not pass as "nothing to cover".
    const percent = total === 0 ? 0 : Math.floor((covered / total) * 10_000) / 100;
    return { folder, covered, total, percent, floor: LINE_FLOORS[folder] ?? null };
  });
}

export function belowFloor(rows: FolderLines[]): FolderLines[] {
  return rows.filter((r) => r.floor !== null && r.percent < r.floor);
}

/**
 * The local runner bundled once per test run (esbuild, as the deployed functions are built), so the e2e and browser
 * tests start it in a fraction of the time tsx takes to transpile it at each start. Named in LPB_RUNNER_BUNDLE.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');

/** Builds the bundle into a fresh directory; returns its path and a clean-up. */
export async function bundleRunner(): Promise<{ file: string; remove: () => void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lpb-runner-'));
  const file = path.join(dir, 'runner.cjs');
  await build({
    entryPoints: [path.join(ROOT, 'local/main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: file,
    logLevel: 'warning',
  });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * One moto_server per jest worker, each on a free 127.0.0.1 port: moto serves one request at a time per process (a
 * global lock), so workers sharing one would queue behind each other. Started side by side before the workers, named
 * in LPB_MOTO_ENDPOINTS; each worker's test files point at theirs (moto-worker.ts). Stopped by PID in the teardown.
 * The local runner is bundled once meanwhile, for the tests that start it (runner-bundle.ts).
 */
import os from 'node:os';
import type { Config } from 'jest';
import { startMoto, type MotoServer } from '../../local/moto';
import { bundleRunner } from './runner-bundle';
import { warmUp } from './moto-warm-up';

declare global {
  var __MOTOS__: MotoServer[] | undefined;
  var __RUNNER_BUNDLE__: { remove: () => void } | undefined;
}

/**
 * How many workers jest will run. Its global config still holds a percentage as given (`--maxWorkers=150%` reads
 * 150): resolve it as jest does, a share of the available cores, at least one.
 */
function workerCount(globalConfig: { maxWorkers: number }): number {
  const given = process.argv.find((arg) => arg.startsWith('--maxWorkers='))?.split('=')[1];
  if (given?.endsWith('%')) return Math.max(1, Math.floor((os.availableParallelism() * parseInt(given, 10)) / 100));
  // Never more emulators than a machine could use: a miscount here must not fill it with moto servers.
  return Math.max(1, Math.min(globalConfig.maxWorkers, os.availableParallelism() * 4));
}

export default async function setup(globalConfig: { maxWorkers: number }, _project: Config): Promise<void> {
  // Several projects of one run (integration and e2e, say) share the workers, and so their emulators.
  if (globalThis.__MOTOS__) return;
  const [bundle, ...motos] = await Promise.all([
    bundleRunner(),
    ...Array.from({ length: workerCount(globalConfig) }, () => startMoto()),
  ] as const);
  globalThis.__MOTOS__ = motos;
  globalThis.__RUNNER_BUNDLE__ = bundle;
  // moto loads each service's backend on its first call (seconds each): pay that here, side by side, not in a test.
  await Promise.all(motos.map((moto) => warmUp(moto.endpoint)));
  process.env.LPB_RUNNER_BUNDLE = bundle.file;
  // Workers start after global setup and inherit this environment.
  process.env.LPB_MOTO_ENDPOINTS = motos.map((m) => m.endpoint).join(',');
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}

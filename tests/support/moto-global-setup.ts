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
 * One emulator for each worker jest will run; never more than the machine could use, so that a miscount (jest reads
 * `--maxWorkers=150%` as 150 workers, not as a share of the cores) cannot fill it with moto servers.
 */
function workerCount(globalConfig: { maxWorkers: number }): number {
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

/** Stops the run's moto_servers by their PIDs, and removes the runner bundle. */
export default async function teardown(): Promise<void> {
  await Promise.all((globalThis.__MOTOS__ ?? []).map((moto) => moto.stop()));
  globalThis.__MOTOS__ = undefined;
  globalThis.__RUNNER_BUNDLE__?.remove();
  globalThis.__RUNNER_BUNDLE__ = undefined;
}

/** Stops the run's moto_server by its PID. */
export default async function teardown(): Promise<void> {
  await globalThis.__MOTO__?.stop();
  globalThis.__MOTO__ = undefined;
}

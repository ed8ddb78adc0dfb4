/** Composition for the Lambda runtime: configuration and adapters are built once per cold start. */
import { buildApp, type App } from './app';
import { loadConfig } from './config';

let app: Promise<App> | undefined;

export function lambdaApp(): Promise<App> {
  app ??= Promise.resolve().then(() => buildApp(loadConfig(process.env)));
  // A failed start (say STS throttled) must not poison every later invocation of this container.
  app.catch(() => (app = undefined));
  return app;
}

/**
 * Composition for the Lambda runtime: configuration, secrets and adapters are built once per cold start.
 * Slack secrets come from SSM SecureString parameters when only their names are configured.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { readSecureParameters } from '../adapters/aws/secure-parameters';
import { buildApp, type App } from './app';
import { loadConfig, type BrokerConfig } from './config';
import { logger } from './logger';
import { metrics } from './metrics';
import { powertoolsSink } from '../adapters/metrics/powertools-sink';

let app: Promise<App> | undefined;

export async function withSecrets(
  config: BrokerConfig,
  ssm = new SSMClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  }),
): Promise<BrokerConfig> {
  const wanted = [
    ['SLACK_BOT_TOKEN', config.SLACK_BOT_TOKEN_PARAMETER],
    ['SLACK_SIGNING_SECRET', config.SLACK_SIGNING_SECRET_PARAMETER],
  ] as const;
  const missing = wanted.filter(([key, name]) => name && !config[key]);
  if (missing.length === 0) return config;
  const values = await readSecureParameters(
    ssm,
    missing.map(([, name]) => name as string),
  );
  const resolved = { ...config };
  for (const [key, name] of missing) {
    resolved[key] = values[name as string];
    // Slack stays off without its token; say so once instead of failing every request.
    if (resolved[key] === undefined) logger.warn('SSM parameter not found; Slack stays off', { parameter: name });
  }
  return resolved;
}

export function lambdaApp(): Promise<App> {
  app ??= withSecrets(loadConfig(process.env)).then((config) =>
    buildApp(config, undefined, { metrics: powertoolsSink(metrics) }),
  );
  // A failed start (say STS throttled) must not poison every later invocation of this container.
  app.catch(() => (app = undefined));
  return app;
}

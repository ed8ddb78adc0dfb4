/**
 * Composition for the Lambda runtime, the one place a deployed function builds its app: its kind's configuration,
 * its Slack secrets (SSM SecureString parameters) and the adapters, once per cold start.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { readSecureParameters } from '../adapters/aws/secure-parameters';
import { buildApp, type App } from './app';
import {
  FUNCTION_KINDS,
  loadDeployedConfig,
  type BrokerConfig,
  type DeployedConfig,
  type DeployedFunction,
} from './config';
import { logger } from './logger';
import { metrics } from './metrics';
import { powertoolsSink } from '../adapters/metrics/powertools-sink';

/** Each secret and the configuration variable that names its parameter. */
const SECRETS = [
  ['SLACK_BOT_TOKEN', 'SLACK_BOT_TOKEN_PARAMETER'],
  ['SLACK_SIGNING_SECRET', 'SLACK_SIGNING_SECRET_PARAMETER'],
] as const;

/** The configuration with the Slack secrets its kind names read from SSM (deployed, secrets never sit in plain env). */
export async function withSecrets(
  config: DeployedConfig,
  ssm = new SSMClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  }),
): Promise<BrokerConfig> {
  const named = SECRETS.flatMap(([key, variable]) => {
    const name = (config as Partial<Record<(typeof SECRETS)[number][1], string>>)[variable];
    return name ? [{ key, name }] : [];
  });
  const values = await readSecureParameters(
    ssm,
    named.map((n) => n.name),
  );
  const resolved: BrokerConfig = { ...config, BROKER_IDENTITY: 'iam' };
  for (const { key, name } of named) {
    resolved[key] = values[name];
    // Slack stays off without its secrets; say so once instead of failing every request.
    if (resolved[key] === undefined) logger.warn('SSM parameter not found; Slack stays off', { parameter: name });
  }
  return resolved;
}

let app: Promise<App> | undefined;

/** The app of the deployed function `fn`, configured as its kind (FUNCTION_KINDS). */
export function lambdaApp(fn: DeployedFunction): Promise<App> {
  app ??= Promise.resolve()
    .then(() => withSecrets(loadDeployedConfig(FUNCTION_KINDS[fn], process.env)))
    .then((config) => buildApp(config, undefined, { metrics: powertoolsSink(metrics) }));
  // A failed start (say STS throttled) must not poison every later invocation of this container.
  app.catch(() => (app = undefined));
  return app;
}

/**
 * One validated configuration per runtime (#12 item 6): a deployed function reads its kind's schema, which requires
 * what its code uses, has no placeholder for a resource, takes Slack secrets only from SSM, and can never be set to
 * trust a header for the caller's identity. The local runner keeps its own defaults.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { DEPLOYED_SCHEMAS, FUNCTION_KINDS, loadConfig, loadDeployedConfig } from '../../../handlers/config';
import { functionServing } from '../../../handlers/http/lambda-entry';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const deployed = require('../../../deploy/functions.js') as Record<string, { environment: Record<string, unknown> }>;

/** The variables serverless.yml sets for every function (provider.environment), and the one Lambda sets itself. */
function providerVariables(): string[] {
  const yml = readFileSync(path.resolve(__dirname, '../../../serverless.yml'), 'utf8');
  const block = /^provider:\n(?:.*\n)*? {2}environment:\n((?: {4}.*\n)+)/m.exec(yml)?.[1] ?? '';
  return [...block.matchAll(/^ {4}([A-Z_]+):/gm)].map((m) => m[1] as string).concat('AWS_REGION');
}

const required = (schema: z.ZodObject) =>
  Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name)
    .sort();

const TABLE = { AWS_REGION: 'eu-west-1', BROKER_TABLE_NAME: 'lpb-prod' };

describe('deployed configuration', () => {
  it('gives every deployed function a kind, and the template every variable that kind requires', () => {
    const provider = providerVariables();
    expect(provider).toContain('BROKER_TABLE_NAME');
    for (const [fn, spec] of Object.entries(deployed)) {
      const kind = FUNCTION_KINDS[fn as keyof typeof FUNCTION_KINDS];
      expect({ fn, kind: kind ?? null }).toEqual({ fn, kind: expect.any(String) as unknown });
      const given = new Set([...provider, ...Object.keys(spec.environment)]);
      expect({ fn, missing: required(DEPLOYED_SCHEMAS[kind]).filter((v) => !given.has(v)) }).toEqual({
        fn,
        missing: [],
      });
    }
  });

  it('builds each API function as the function its routes name', () => {
    for (const [fn, operations] of Object.entries(OPERATIONS_BY_FUNCTION)) expect(functionServing(operations)).toBe(fn);
  });

  it('refuses header identity in every deployed kind that answers callers', () => {
    for (const kind of ['api', 'slack'] as const) {
      expect(() =>
        loadDeployedConfig(kind, {
          ...TABLE,
          BROKER_IDENTITY: 'header',
          BROKER_NOTIFY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/n.fifo',
          SLACK_SIGNING_SECRET_PARAMETER: '/lpb/prod/slack-signing-secret',
        }),
      ).toThrow(/BROKER_IDENTITY: header identity exists only in the local runner/);
    }
    expect(loadDeployedConfig('api', TABLE).BROKER_IDENTITY).toBe('iam');
  });

  it('checks with IAM Access Analyzer unless told not to; the local runner, which has none, does not', () => {
    expect(loadDeployedConfig('api', TABLE).BROKER_ACCESS_ANALYZER).toBe('on');
    expect(loadDeployedConfig('api', { ...TABLE, BROKER_ACCESS_ANALYZER: 'off' }).BROKER_ACCESS_ANALYZER).toBe('off');
    expect(() => loadDeployedConfig('api', { ...TABLE, BROKER_ACCESS_ANALYZER: 'yes' })).toThrow(
      /BROKER_ACCESS_ANALYZER: must be on or off/,
    );
    expect(loadConfig({ BROKER_IDENTITY: 'header' }).BROKER_ACCESS_ANALYZER).toBe('off');
  });

  it('has no placeholder for a resource: the table and the queues a kind uses are required, by name', () => {
    expect(() => loadDeployedConfig('api', { AWS_REGION: 'eu-west-1' })).toThrow(/BROKER_TABLE_NAME: is required/);
    expect(() => loadDeployedConfig('work', TABLE)).toThrow(/BROKER_WORK_QUEUE_URL: is required/);
    expect(() => loadDeployedConfig('stream', TABLE)).toThrow(/BROKER_WORK_QUEUE_URL.*BROKER_NOTIFY_QUEUE_URL/);
    expect(() => loadDeployedConfig('notify', TABLE)).toThrow(/SLACK_BOT_TOKEN_PARAMETER: is required/);
  });

  it('reads Slack secrets only from SSM when deployed, never from plain environment', () => {
    const notify = loadDeployedConfig('notify', {
      ...TABLE,
      SLACK_BOT_TOKEN_PARAMETER: '/lpb/prod/slack-bot-token',
      SLACK_BOT_TOKEN: 'xoxb-in-plain-sight',
    });
    expect(notify).not.toHaveProperty('SLACK_BOT_TOKEN');
  });
});

describe('local runner configuration', () => {
  it('keeps the local defaults: table, Region, header identity, port and sweep period', () => {
    expect(loadConfig({})).toMatchObject({
      AWS_REGION: 'us-east-1',
      BROKER_TABLE_NAME: 'lambda-permission-broker',
      BROKER_IDENTITY: 'header',
      PORT: 3000,
      BROKER_SWEEP_INTERVAL_SECONDS: 60,
    });
    expect(loadConfig({ BROKER_IDENTITY: 'iam' }).BROKER_IDENTITY).toBe('iam');
  });
});

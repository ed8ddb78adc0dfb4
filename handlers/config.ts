/**
 * Configuration: one validated schema per runtime, parsed once at start; a missing or bad value stops start-up naming
 * it (docs/api.md, Configuration). Every variable is defined once in VARIABLES; each runtime picks the ones it reads:
 * - deployed Lambda functions, one schema per function kind (DEPLOYED_SCHEMAS): each requires exactly what its code
 *   uses, resources have no placeholder defaults, Slack secrets come from SSM, and the caller is always API Gateway's
 *   IAM identity (BROKER_IDENTITY=header stops start-up of the HTTP kinds, api and slack; the others do not read
 *   it);
 * - the local runner (and the tests that compose like it): LOCAL_SCHEMA, with the local defaults.
 * A variable every runtime reads is one line in VARIABLES and one in CORE.
 */
import * as z from 'zod';
import {
  ACCOUNT_ID,
  ASSUMED_ROLE_ARN,
  IAM_OR_STS_ARN_PATTERN,
  IAM_ROLE_OR_USER_ARN,
  REGION,
} from '../domain/rules/arn';
import { DEFAULT_PERSON_ROLES, PERSON_LINK_PREFIX, isPersonRole, personOfLink } from '../domain/rulebook/identity';

const int = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .prefault(String(fallback));

/** A comma-separated list, each item checked by `item`; empty by default. */
const commaList = (item: z.ZodString) =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

const parameterName = z.string({ error: 'is required' }).regex(/^\/[\w./-]{1,1000}$/, 'must be an SSM parameter name');
const queueUrl = z.url({ error: 'is required (an SQS queue URL)' });

/** Every variable the broker reads, validated the same way wherever it is read. */
const VARIABLES = {
  AWS_REGION: z.string({ error: 'is required' }).regex(REGION, 'must be an AWS Region such as us-east-1'),
  /** Every AWS client uses it (an emulator); unset on AWS. */
  AWS_ENDPOINT_URL: z.url().optional(),
  BROKER_TABLE_NAME: z
    .string({ error: 'is required' })
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name'),
  /** Patterns (`*`, `?` after the account) of the admins' role, user or session ARNs. */
  BROKER_ADMINS: commaList(
    z.string().regex(IAM_OR_STS_ARN_PATTERN, 'each admin must be an IAM or STS ARN (`*` and `?` after the account)'),
  ),
  /** Patterns (as BROKER_ADMINS) of who may read the audit trail besides the admins (docs/audit.md, Reading the trail). */
  BROKER_AUDITORS: commaList(
    z.string().regex(IAM_OR_STS_ARN_PATTERN, 'each auditor must be an IAM or STS ARN (`*` and `?` after the account)'),
  ),
  /** 1: allowlist puts and deletes are proposals another admin approves (docs/allowlist-as-code.md, The two-person rule). */
  BROKER_ALLOWLIST_CHANGE_APPROVALS: int(0, 1, 0),
  /** Empty: only the broker's own account (known once STS has said who the broker is). */
  BROKER_TARGET_ACCOUNTS: commaList(z.string().regex(ACCOUNT_ID, 'each target account must be a 12-digit account id')),
  /** IAM's role name rule: 1-64 characters of [A-Za-z0-9+=,.@_-]. */
  BROKER_SPOKE_ROLE_NAME: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name (1-64 characters of letters, digits and +=,.@_-)')
    .default('lambda-permission-broker-spoke'),
  BROKER_SID_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 characters of [A-Za-z0-9_-]')
    .default('lpb-'),
  BROKER_MIN_DURATION_SECONDS: int(1, 31 * 24 * 3600, 300),
  BROKER_PENDING_TIMEOUT_SECONDS: int(60, 31 * 24 * 3600, 86400),
  BROKER_LAMBDA_RPS: int(1, 15, 10),
  BROKER_MAX_PENDING_PER_REQUESTER: int(1, 1_000_000, 20),
  /** How long before a grant's end its requester is told, once, with an Extend button (docs/slack.md). */
  BROKER_EXPIRY_NOTICE_SECONDS: int(1, 31 * 24 * 3600, 900),
  /** IAM Access Analyzer on the would-be policy before an ask is stored (deployed: on; no emulator has it). */
  BROKER_ACCESS_ANALYZER: z.enum(['on', 'off'], 'must be on or off'),
  /** Role-name patterns whose sessions are people (docs/api.md, Who is calling). */
  BROKER_PERSON_ROLES: z
    .string()
    .default(DEFAULT_PERSON_ROLES.join(','))
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[\w+=,.@*?-]{1,64}$/, 'each must be a role name pattern (* and ? allowed)'))),
  /** Slack user → the person (`person:<username>`), IAM role or user, or person's session ARN it counts as. */
  BROKER_SLACK_USERS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const links: Record<string, string> = {};
      for (const pair of v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const [, user, link] = /^(U[A-Z0-9]{2,20})=(.*)$/.exec(pair) ?? [];
        const linkable =
          link !== undefined &&
          (link.startsWith(PERSON_LINK_PREFIX)
            ? personOfLink(link, { personRoles: [] }) !== null
            : IAM_ROLE_OR_USER_ARN.test(link) || ASSUMED_ROLE_ARN.test(link));
        if (!user || !linkable) {
          ctx.addIssue({
            code: 'custom',
            message: `"${pair}" is not U<slack user id>=person:<username>, or =<IAM role or user ARN, or a person's assumed-role ARN>`,
          });
          return z.NEVER;
        }
        links[`slack:${user}`] = link;
      }
      return links;
    }),
  SLACK_API_URL: z.url().default('https://slack.com/api'),
  /** IAM Identity Center's identity store, for `approverGroups`; unset (or empty): groups are off. */
  BROKER_IDENTITY_STORE_ID: z
    .string()
    .default('')
    .pipe(
      z
        .string()
        .regex(
          /^$|^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
          'must be an identity store id such as d-1234567890',
        ),
    )
    .transform((v) => v || null),
  /** Where that identity store lives (Identity Center's home Region); default: AWS_REGION. */
  BROKER_IDENTITY_STORE_REGION: z
    .string()
    .default('')
    .refine((v) => v === '' || REGION.test(v), 'must be an AWS Region such as us-east-1')
    .transform((v) => v || null),
  /** The work queue (SQS standard) and the Slack notification queue (SQS FIFO). */
  BROKER_WORK_QUEUE_URL: queueUrl,
  BROKER_NOTIFY_QUEUE_URL: queueUrl,
  /** Deployed: the SSM SecureString parameters holding the Slack secrets, read once per cold start. */
  SLACK_BOT_TOKEN_PARAMETER: parameterName,
  SLACK_SIGNING_SECRET_PARAMETER: parameterName,
  /** Local only: the Slack secrets themselves. */
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  /** The EventBridge bus audit events go to (docs/audit.md, Events on EventBridge). */
  BROKER_EVENT_BUS: z
    .string({ error: 'is required (the EventBridge bus audit events go to)' })
    .regex(/^[\w.\-/:]{1,1600}$/, 'must be an EventBridge bus name or ARN'),
  BROKER_IDENTITY: z.enum(['iam', 'header']),
  PORT: int(0, 65535, 3000),
  BROKER_SWEEP_INTERVAL_SECONDS: int(1, 3600, 60),
} as const;

const V = VARIABLES;

/** What every runtime reads to compose the app. */
const CORE = {
  AWS_REGION: V.AWS_REGION,
  AWS_ENDPOINT_URL: V.AWS_ENDPOINT_URL,
  BROKER_TABLE_NAME: V.BROKER_TABLE_NAME,
  BROKER_ADMINS: V.BROKER_ADMINS,
  BROKER_AUDITORS: V.BROKER_AUDITORS,
  BROKER_ALLOWLIST_CHANGE_APPROVALS: V.BROKER_ALLOWLIST_CHANGE_APPROVALS,
  BROKER_TARGET_ACCOUNTS: V.BROKER_TARGET_ACCOUNTS,
  BROKER_SPOKE_ROLE_NAME: V.BROKER_SPOKE_ROLE_NAME,
  BROKER_SID_PREFIX: V.BROKER_SID_PREFIX,
  BROKER_MIN_DURATION_SECONDS: V.BROKER_MIN_DURATION_SECONDS,
  BROKER_PENDING_TIMEOUT_SECONDS: V.BROKER_PENDING_TIMEOUT_SECONDS,
  BROKER_LAMBDA_RPS: V.BROKER_LAMBDA_RPS,
  BROKER_MAX_PENDING_PER_REQUESTER: V.BROKER_MAX_PENDING_PER_REQUESTER,
  BROKER_EXPIRY_NOTICE_SECONDS: V.BROKER_EXPIRY_NOTICE_SECONDS,
  // Deployed, a function told nothing checks with Access Analyzer; the local runner has none (LOCAL_SCHEMA).
  BROKER_ACCESS_ANALYZER: V.BROKER_ACCESS_ANALYZER.default('on'),
  BROKER_PERSON_ROLES: V.BROKER_PERSON_ROLES,
  BROKER_SLACK_USERS: V.BROKER_SLACK_USERS,
  SLACK_API_URL: V.SLACK_API_URL,
  BROKER_IDENTITY_STORE_ID: V.BROKER_IDENTITY_STORE_ID,
  BROKER_IDENTITY_STORE_REGION: V.BROKER_IDENTITY_STORE_REGION,
};

/** Deployed, the caller is API Gateway's IAM identity and nothing else. */
const IAM_ONLY = z
  .literal('iam', {
    error: 'header identity exists only in the local runner; a deployed function takes the caller from API Gateway',
  })
  .default('iam');

/** One schema per deployed function kind (deploy/functions.js gives each function the variables its kind needs). */
export const DEPLOYED_SCHEMAS = {
  /** health, allowlist, requests, decisions, admin: answer over API Gateway, settle inline. */
  api: z.object({ ...CORE, BROKER_IDENTITY: IAM_ONLY }),
  /**
   * Slack interactions and the /lpb command: verify the signature, record the decision or the ask, open modals with
   * the bot token, queue the response_url answer.
   */
  slack: z.object({
    ...CORE,
    BROKER_IDENTITY: IAM_ONLY,
    BROKER_NOTIFY_QUEUE_URL: V.BROKER_NOTIFY_QUEUE_URL,
    SLACK_SIGNING_SECRET_PARAMETER: V.SLACK_SIGNING_SECRET_PARAMETER,
    SLACK_BOT_TOKEN_PARAMETER: V.SLACK_BOT_TOKEN_PARAMETER,
  }),
  /** The table's stream: schedules work and Slack notifications. */
  stream: z.object({
    ...CORE,
    BROKER_WORK_QUEUE_URL: V.BROKER_WORK_QUEUE_URL,
    BROKER_NOTIFY_QUEUE_URL: V.BROKER_NOTIFY_QUEUE_URL,
  }),
  /** The work queue's consumer: settles requests, reschedules what must wait, hands due expiry notices to Slack's. */
  work: z.object({
    ...CORE,
    BROKER_WORK_QUEUE_URL: V.BROKER_WORK_QUEUE_URL,
    BROKER_NOTIFY_QUEUE_URL: V.BROKER_NOTIFY_QUEUE_URL,
  }),
  /** The Slack queue's consumer: posts and updates messages (and requesters' direct messages) with the bot token. */
  notify: z.object({ ...CORE, SLACK_BOT_TOKEN_PARAMETER: V.SLACK_BOT_TOKEN_PARAMETER }),
  /** The scheduled sweep and reconcile. */
  schedule: z.object(CORE),
  /** The table's stream, a second time: publishes audit events to the bus. */
  audit: z.object({ ...CORE, BROKER_EVENT_BUS: V.BROKER_EVENT_BUS }),
};

export type DeployedKind = keyof typeof DEPLOYED_SCHEMAS;

/** The kind of each deployed function (deploy/functions.js's names); a test checks the template gives each its own. */
export const FUNCTION_KINDS = {
  health: 'api',
  allowlist: 'api',
  requests: 'api',
  decisions: 'api',
  admin: 'api',
  slack: 'slack',
  stream: 'stream',
  work: 'work',
  notify: 'notify',
  sweep: 'schedule',
  reconcile: 'schedule',
  audit: 'audit',
} as const satisfies Record<string, DeployedKind>;

export type DeployedFunction = keyof typeof FUNCTION_KINDS;
export type DeployedConfig<K extends DeployedKind = DeployedKind> = z.infer<(typeof DEPLOYED_SCHEMAS)[K]>;

/** The local runner's own schema: docs/api.md's defaults (Configuration), its identity mode, port and sweep period. */
const LOCAL_SCHEMA = z.object({
  ...CORE,
  BROKER_ACCESS_ANALYZER: V.BROKER_ACCESS_ANALYZER.default('off'),
  AWS_REGION: V.AWS_REGION.default('us-east-1'),
  BROKER_TABLE_NAME: V.BROKER_TABLE_NAME.default('lambda-permission-broker'),
  BROKER_IDENTITY: V.BROKER_IDENTITY.default('header'),
  PORT: V.PORT,
  BROKER_SWEEP_INTERVAL_SECONDS: V.BROKER_SWEEP_INTERVAL_SECONDS,
  BROKER_WORK_QUEUE_URL: V.BROKER_WORK_QUEUE_URL.optional(),
  BROKER_NOTIFY_QUEUE_URL: V.BROKER_NOTIFY_QUEUE_URL.optional(),
  BROKER_EVENT_BUS: V.BROKER_EVENT_BUS.default('lambda-permission-broker'),
  SLACK_BOT_TOKEN: V.SLACK_BOT_TOKEN,
  SLACK_SIGNING_SECRET: V.SLACK_SIGNING_SECRET,
});

/**
 * A Slack user linked to a session must be linked to a person: other sessions act as their role (link that). And a
 * link to the role of a permission set could be any of its people: link the person (`person:<username>`).
 */
function personLinkProblems(config: Pick<BrokerConfig, 'BROKER_SLACK_USERS' | 'BROKER_PERSON_ROLES'>): string[] {
  const problems: string[] = [];
  for (const [user, link] of Object.entries(config.BROKER_SLACK_USERS)) {
    const id = user.slice('slack:'.length);
    const sessionOf = ASSUMED_ROLE_ARN.exec(link)?.[3];
    if (sessionOf !== undefined && !isPersonRole(sessionOf, config.BROKER_PERSON_ROLES)) {
      problems.push(
        `BROKER_SLACK_USERS: ${id} is linked to a session of ${sessionOf}, which BROKER_PERSON_ROLES does not make a person: link the role ARN`,
      );
    }
    const roleName = /:role\/(?:.*\/)?([^/]+)$/.exec(link)?.[1];
    if (roleName !== undefined && isPersonRole(roleName, config.BROKER_PERSON_ROLES)) {
      problems.push(
        `BROKER_SLACK_USERS: ${id} is linked to the role ${roleName}, whose sessions are people: link the person (${PERSON_LINK_PREFIX}<username>)`,
      );
    }
  }
  return problems;
}

export type LocalConfig = z.infer<typeof LOCAL_SCHEMA>;

/**
 * What composition reads (handlers/app.ts), whichever runtime built it: a queue or a Slack secret that the runtime does
 * not use is absent.
 */
export interface BrokerConfig extends z.infer<z.ZodObject<typeof CORE>> {
  BROKER_IDENTITY: 'iam' | 'header';
  BROKER_WORK_QUEUE_URL?: string | undefined;
  BROKER_NOTIFY_QUEUE_URL?: string | undefined;
  /** Only the audit consumer publishes; the others leave it out. */
  BROKER_EVENT_BUS?: string | undefined;
  SLACK_BOT_TOKEN?: string | undefined;
  SLACK_SIGNING_SECRET?: string | undefined;
}

export class ConfigurationError extends Error {}

/** Parses the variables `schema` names from `env` (empty counts as unset), or names every bad one. */
function parseEnvironment<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv,
  defaults: Partial<Record<string, string>> = {},
): z.infer<S> {
  const input: Record<string, string | undefined> = { ...defaults };
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  const problems = parsed.success
    ? personLinkProblems(parsed.data as BrokerConfig)
    : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (!parsed.success || problems.length > 0) {
    throw new ConfigurationError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** A deployed function's configuration, by its kind. */
export function loadDeployedConfig<K extends DeployedKind>(kind: K, env: NodeJS.ProcessEnv): DeployedConfig<K> {
  return parseEnvironment(DEPLOYED_SCHEMAS[kind], env);
}

/** The local runner's configuration (tests compose the same way); `defaults` are the runner's demo values. */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  defaults: Partial<Record<keyof LocalConfig, string>> = {},
): LocalConfig {
  return parseEnvironment(LOCAL_SCHEMA, env, defaults);
}

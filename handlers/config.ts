/** Configuration: parsed and validated once at start; a missing or bad value stops start-up naming it (docs/api.md, Configuration). */
import * as z from 'zod';
import { ACCOUNT_ID, ASSUMED_ROLE_ARN, IAM_OR_STS_ARN, IAM_ROLE_OR_USER_ARN, REGION } from '../domain/rules/arn';
import { DEFAULT_PERSON_ROLES } from '../domain/rules/caller-identity';
import { matchesAny } from '../domain/rules/pattern';

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

const schema = z.object({
  AWS_REGION: z.string({ error: 'is required' }).regex(REGION, 'must be an AWS Region such as us-east-1'),
  AWS_ENDPOINT_URL: z.url().optional(),
  BROKER_TABLE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/)
    .default('lambda-permission-broker'),
  BROKER_ADMINS: commaList(z.string().regex(IAM_OR_STS_ARN, 'each admin must be an IAM ARN')),
  BROKER_IDENTITY: z.enum(['iam', 'header']).default('iam'),
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
  BROKER_SWEEP_INTERVAL_SECONDS: int(1, 3600, 60),
  BROKER_LAMBDA_RPS: int(1, 15, 10),
  PORT: int(0, 65535, 3000),
  /** Role-name patterns whose sessions are people (API §11.6). */
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
  /** Slack user → the IAM role or user, or the person (assumed-role ARN of a person role), it acts for. */
  BROKER_SLACK_USERS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const links: Record<string, string> = {};
      for (const pair of v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const [, user, arn] = /^(U[A-Z0-9]{2,20})=(.*)$/.exec(pair) ?? [];
        if (!user || !arn || !(IAM_ROLE_OR_USER_ARN.test(arn) || ASSUMED_ROLE_ARN.test(arn))) {
          ctx.addIssue({
            code: 'custom',
            message: `"${pair}" is not U<slack user id>=<IAM role or user ARN, or a person's assumed-role ARN>`,
          });
          return z.NEVER;
        }
        links[`slack:${user}`] = arn;
      }
      return links;
    }),
  /** The work queue (SQS standard) and the Slack notification queue (SQS FIFO); the local runner creates both. */
  BROKER_WORK_QUEUE_URL: z.url().optional(),
  BROKER_NOTIFY_QUEUE_URL: z.url().optional(),
  SLACK_API_URL: z.url().default('https://slack.com/api'),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  /** Deployed: SSM SecureString parameter names, read once per cold start when the plain values are unset. */
  SLACK_BOT_TOKEN_PARAMETER: z
    .string()
    .regex(/^\/[\w./-]{1,1000}$/)
    .optional(),
  SLACK_SIGNING_SECRET_PARAMETER: z
    .string()
    .regex(/^\/[\w./-]{1,1000}$/)
    .optional(),
});

/** A Slack user linked to a session must be linked to a person: other sessions act as their role (link that). */
const checked = schema.superRefine((config, ctx) => {
  for (const [user, arn] of Object.entries(config.BROKER_SLACK_USERS)) {
    const role = ASSUMED_ROLE_ARN.exec(arn)?.[3];
    if (role !== undefined && !matchesAny(config.BROKER_PERSON_ROLES, role)) {
      ctx.addIssue({
        code: 'custom',
        path: ['BROKER_SLACK_USERS'],
        message: `${user.slice('slack:'.length)} is linked to a session of ${role}, which BROKER_PERSON_ROLES does not make a person: link the role ARN`,
      });
    }
  }
});

export type BrokerConfig = z.infer<typeof schema>;

export class ConfigurationError extends Error {}

export function loadConfig(
  env: NodeJS.ProcessEnv,
  defaults: Partial<Record<keyof BrokerConfig, string>> = {},
): BrokerConfig {
  const input: Record<string, string | undefined> = { ...defaults };
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = checked.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigurationError(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/**
 * Credentials of the spoke role in each target account (docs/deploy.md, Many accounts (hub and spokes)):
 * `arn:<partition>:iam::<account>:role/<name>`, assumed with STS under a session name that says it is the broker, one
 * AssumeRole per account, cached until shortly before the credentials expire. A refusal (the role is missing, or does
 * not trust this broker) becomes AccountUnreachableError and is remembered for a while, so a sweep over many grants of
 * that account asks STS once.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { AccountUnreachableError } from '../../domain/errors';
import { awsErrorName, httpStatusOf, translateAwsError } from './aws-errors';

/**
 * Shown in the spoke's CloudTrail as `assumed-role/<spoke role>/lambda-permission-broker`; the template's trust needs
 * it.
 */
export const SPOKE_SESSION_NAME = 'lambda-permission-broker';

/**
 * Fresh credentials are asked for this long before the cached ones expire (the SDK itself refreshes 5 minutes ahead).
 */
const REFRESH_BEFORE_MS = 10 * 60 * 1000;
/** How long a refusal stands before STS is asked again. */
export const REFUSAL_MEMORY_MS = 30_000;
/** STS's answers that concern the spoke account itself: its role cannot be assumed, or STS is off in its Region. */
const REFUSALS = new Set(['AccessDenied', 'RegionDisabledException']);

export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

type Cached =
  { credentials: AssumedCredentials; refreshAt: number } | { refused: AccountUnreachableError; until: number };

export class SpokeRoleCredentials {
  private readonly cache = new Map<string, Cached>();
  /** One AssumeRole in flight per account, whoever asks. */
  private readonly pending = new Map<string, Promise<AssumedCredentials>>();
  private readonly now: () => number;

  constructor(
    private readonly sts: STSClient,
    private readonly options: { partition: string; roleName: string; now?: () => number },
  ) {
    this.now = options.now ?? Date.now;
  }

  roleArn(account: string): string {
    return `arn:${this.options.partition}:iam::${account}:role/${this.options.roleName}`;
  }

  /** An SDK credential provider for the clients that act in `account`. */
  provider(account: string): () => Promise<AssumedCredentials> {
    return () => this.credentials(account);
  }

  credentials(account: string): Promise<AssumedCredentials> {
    const cached = this.cache.get(account);
    const now = this.now();
    if (cached && 'refused' in cached && now < cached.until) return Promise.reject(cached.refused);
    if (cached && 'credentials' in cached && now < cached.refreshAt) return Promise.resolve(cached.credentials);
    let pending = this.pending.get(account);
    if (!pending) {
      pending = this.assume(account).finally(() => this.pending.delete(account));
      this.pending.set(account, pending);
    }
    return pending;
  }

  private async assume(account: string): Promise<AssumedCredentials> {
    const RoleArn = this.roleArn(account);
    try {
      const { Credentials: c } = await this.sts.send(
        new AssumeRoleCommand({ RoleArn, RoleSessionName: SPOKE_SESSION_NAME }),
      );
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new Error(`STS AssumeRole of ${RoleArn} returned no credentials`);
      }
      const credentials = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
      const expires = c.Expiration.getTime();
      const now = this.now();
      // A session shorter than the margin is renewed half way through instead.
      this.cache.set(account, { credentials, refreshAt: expires - Math.min(REFRESH_BEFORE_MS, (expires - now) / 2) });
      return credentials;
    } catch (error) {
      const name = awsErrorName(error) ?? '';
      if (REFUSALS.has(name) || httpStatusOf(error) === 403) {
        const refused = new AccountUnreachableError(
          account,
          `account ${account} is unreachable: the broker could not assume its spoke role ${RoleArn} (${name || 'refused'})`,
          { cause: error },
        );
        this.cache.set(account, { refused, until: this.now() + REFUSAL_MEMORY_MS });
        throw refused;
      }
      return translateAwsError(error, 'AWS STS');
    }
  }
}

/**
 * RoleDirectory on IAM GetRole, in the role's account: the broker's own, or a target account through its spoke role.
 * A role's path changes only when the role is replaced, so answers are kept for 5 minutes (the contract's bound), a
 * role that cannot be read (gone, not allowed, an account the broker does not act in or cannot reach) as well: it
 * then matches no pattern that names a path. A throttled or failing IAM is UnavailableError and is not kept.
 */
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AccountUnreachableError } from '../../domain/errors';
import type { RoleDirectory } from '../../domain/ports';
import type { ClientIn } from '../aws/account-clients';
import { httpStatusOf, isRetryableAwsError, translateAwsError } from '../aws/aws-errors';

/** How long an answer is kept: at most 5 minutes, so a role replaced under another path is seen within that. */
export const ROLE_PATH_TTL_MS = 5 * 60 * 1000;

type Role = Parameters<RoleDirectory['pathOf']>[0];

export class IamRoleDirectory implements RoleDirectory {
  private readonly known = new Map<string, { path: string | null; until: number }>();

  constructor(
    private readonly accounts: { iam: ClientIn<IAMClient> },
    private readonly clock: { now(): number },
    private readonly ttlMs = ROLE_PATH_TTL_MS,
  ) {}

  async pathOf(role: Role): Promise<string | null> {
    const key = `arn:${role.partition}:iam::${role.account}:role/${role.name}`;
    const now = this.clock.now();
    const kept = this.known.get(key);
    if (kept && kept.until > now) return kept.path;
    const path = await this.read(role);
    this.known.set(key, { path, until: now + this.ttlMs });
    return path;
  }

  private async read(role: Role): Promise<string | null> {
    try {
      const { Role: found } = await this.accounts.iam(role.account).send(new GetRoleCommand({ RoleName: role.name }));
      return found?.Path ?? null;
    } catch (error) {
      // Not an account the broker acts in, or its spoke role cannot be assumed: unreadable from here.
      if (error instanceof AccountUnreachableError) return null;
      // What IAM refuses for good (NoSuchEntity, AccessDenied): unreadable. Anything else is not ours to hide.
      const status = httpStatusOf(error);
      if (!isRetryableAwsError(error) && status !== undefined && status >= 400 && status < 500) return null;
      translateAwsError(error, `IAM GetRole for ${role.name} in ${role.account}`);
    }
  }
}

/**
 * GroupDirectory on IAM Identity Center's identity store (docs/api.md, Approvers from the identity provider): a group
 * by its display name (GetGroupId), a person by its username (GetUserId), and the person's groups
 * (ListGroupMembershipsForMember). Answers are kept for IDENTITY_STORE_TTL_MS, so a membership removed in Identity
 * Center stops counting within that; a throttled or failing store is UnavailableError and is not kept.
 */
import {
  GetGroupIdCommand,
  GetUserIdCommand,
  ListGroupMembershipsForMemberCommand,
  type IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import type { GroupDirectory } from '../../domain/ports';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';

/** How long an answer is kept: a minute, within the contract's 5-minute bound. */
export const IDENTITY_STORE_TTL_MS = 60_000;

/** Keeps each answer for a while, by key; the same read in flight is shared. */
class Kept<T> {
  private readonly known = new Map<string, { value: Promise<T>; until: number }>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number,
  ) {}

  get(key: string, read: () => Promise<T>): Promise<T> {
    const now = this.now();
    const kept = this.known.get(key);
    if (kept && kept.until > now) return kept.value;
    const value = read();
    this.known.set(key, { value, until: now + this.ttlMs });
    // A failed read is not kept.
    value.catch(() => this.known.delete(key));
    return value;
  }
}

export class IdentityStoreGroups implements GroupDirectory {
  private readonly groupIds: Kept<string | null>;
  private readonly userIds: Kept<string | null>;
  private readonly memberships: Kept<ReadonlySet<string>>;

  constructor(
    private readonly client: IdentitystoreClient,
    private readonly identityStoreId: string,
    clock: { now(): number },
    ttlMs = IDENTITY_STORE_TTL_MS,
  ) {
    const now = () => clock.now();
    this.groupIds = new Kept(now, ttlMs);
    this.userIds = new Kept(now, ttlMs);
    this.memberships = new Kept(now, ttlMs);
  }

  async groupsOf(person: string, groups: readonly string[]): Promise<ReadonlySet<string>> {
    const userId = await this.userIds.get(person, () => this.idOf('user', 'userName', person));
    if (userId === null) return new Set();
    const [memberOf, ids] = await Promise.all([
      this.memberships.get(userId, () => this.groupIdsOf(userId)),
      Promise.all(groups.map((name) => this.groupIdOf(name))),
    ]);
    return new Set(
      groups.filter((_, i) => {
        const id = ids[i];
        return id != null && memberOf.has(id);
      }),
    );
  }

  async unknownGroups(groups: readonly string[]): Promise<string[]> {
    const ids = await Promise.all(groups.map((name) => this.groupIdOf(name)));
    return groups.filter((_, i) => ids[i] === null);
  }

  private groupIdOf(name: string): Promise<string | null> {
    return this.groupIds.get(name, () => this.idOf('group', 'displayName', name));
  }

  /** A user's or group's id by a unique attribute; null when the store has none. */
  private async idOf(kind: 'user' | 'group', attribute: string, value: string): Promise<string | null> {
    const input = {
      IdentityStoreId: this.identityStoreId,
      AlternateIdentifier: { UniqueAttribute: { AttributePath: attribute, AttributeValue: value } },
    };
    try {
      return kind === 'user'
        ? ((await this.client.send(new GetUserIdCommand(input))).UserId ?? null)
        : ((await this.client.send(new GetGroupIdCommand(input))).GroupId ?? null);
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return null;
      translateAwsError(error, `identity store ${kind === 'user' ? 'GetUserId' : 'GetGroupId'} for ${value}`);
    }
  }

  private async groupIdsOf(userId: string): Promise<ReadonlySet<string>> {
    const ids = new Set<string>();
    let next: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListGroupMembershipsForMemberCommand({
            IdentityStoreId: this.identityStoreId,
            MemberId: { UserId: userId },
            ...(next ? { NextToken: next } : {}),
          }),
        );
        for (const m of page.GroupMemberships ?? []) if (m.GroupId) ids.add(m.GroupId);
        next = page.NextToken;
      } while (next);
    } catch (error) {
      translateAwsError(error, `identity store ListGroupMembershipsForMember for ${userId}`);
    }
    return ids;
  }
}

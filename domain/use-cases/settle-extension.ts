/**
 * An approved extension takes effect (docs/api.md, `POST /v1/requests/{id}/extend`): the end of the grant it extends
 * moves by the extension's duration, with history EXTENDED on both; no AWS call. Two items change, in an order a later
 * run can finish: the grant first (its EXTENDED event names the extension, so it is never extended twice), then the
 * extension. Done under the grant's lease, so its expiry or revoke never runs while its end moves; a grant that has
 * ended, is being revoked or is past its end fails the extension instead (rulebook/extension.ts says which).
 */
import { NotFoundError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { Clock, RequestStore } from '../ports';
import { extensionBlocker } from '../rulebook/extension';
import { move, note } from '../state-machine';
import type { Exclusive } from './leased';
import { updateWithRetry } from './retry-on-stale';
import { BROKER_ACTOR, retryLater, settled, type SettleOutcome } from './settle-outcome';

const LEASE_BUSY_RETRY_MS = 2_000;

/** The `EXTENDED` event's detail on the grant. */
interface ExtendedDetail {
  extensionId: string;
  previousExpiresAt: string;
  expiresAt: string;
}

/** What the grant recorded when `extensionId` took effect on it, if it did. */
function extendedBy(grant: GrantRequest, extensionId: string): ExtendedDetail | undefined {
  const event = grant.history.find((e) => e.event === 'EXTENDED' && e.detail.extensionId === extensionId);
  return event?.detail as ExtendedDetail | undefined;
}

export function makeSettleExtension(deps: { store: RequestStore; clock: Clock; exclusive: Exclusive }) {
  const { store, clock, exclusive } = deps;

  /** Moves the extension to `to` once, unless another writer already moved it on. */
  async function finish(extension: GrantRequest, to: 'EXTENDED' | 'FAILED', detail: Record<string, unknown>) {
    let moved = false;
    const at = clock.now();
    const reason = typeof detail.reason === 'string' ? detail.reason : null;
    const stored = await updateWithRetry(
      store,
      extension.id,
      (current) => {
        moved = current.status === 'APPROVED';
        if (!moved) return current;
        const actor = [...current.history].reverse().find((e) => e.event === 'APPROVED')?.actor ?? BROKER_ACTOR;
        return move(current, to, {
          at,
          actor: to === 'FAILED' ? BROKER_ACTOR : actor,
          detail,
          ...(reason ? { patch: { failure: { reason, at: at.toISOString() } } } : {}),
        });
      },
      { known: extension },
    );
    return settled(stored, moved ? to : null);
  }

  /** The grant with the extension's time added (or as it was, when it had taken it already); why not, else. */
  async function moveTheEnd(extension: GrantRequest): Promise<ExtendedDetail | { refused: string }> {
    const grantId = extension.extends as string;
    let outcome: ExtendedDetail | { refused: string } = { refused: 'the grant it extends no longer exists' };
    const at = clock.now();
    const actor = [...extension.history].reverse().find((e) => e.event === 'APPROVED')?.actor ?? BROKER_ACTOR;
    await updateWithRetry(store, grantId, (grant) => {
      const taken = extendedBy(grant, extension.id);
      if (taken) {
        outcome = taken;
        return grant;
      }
      const blocker = extensionBlocker(grant, at);
      if (blocker) {
        outcome = { refused: `the grant it extends ${blocker.reason}` };
        return grant;
      }
      const previousExpiresAt = grant.expiresAt as string;
      const expiresAt = new Date(Date.parse(previousExpiresAt) + extension.durationSeconds * 1000).toISOString();
      outcome = { extensionId: extension.id, previousExpiresAt, expiresAt };
      return note(grant, 'EXTENDED', { at, actor, detail: { ...outcome }, patch: { expiresAt } });
    }).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error;
    });
    return outcome;
  }

  return function settleExtension(extension: GrantRequest, deadline: Date): Promise<SettleOutcome> {
    const busy = () => retryLater(clock, extension, LEASE_BUSY_RETRY_MS, 'the grant it extends is being settled');
    return exclusive(
      extension.extends as string,
      deadline,
      async () => {
        const moved = await moveTheEnd(extension);
        if ('refused' in moved) return finish(extension, 'FAILED', { reason: `not extended: ${moved.refused}` });
        const { previousExpiresAt, expiresAt } = moved;
        return finish(extension, 'EXTENDED', { extends: extension.extends, previousExpiresAt, expiresAt });
      },
      busy,
    );
  };
}

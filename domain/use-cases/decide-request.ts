/**
 * Approve or reject a PENDING request.
 * Input: the deciding principal (`arn:…` or `slack:U…`), request id, optional comment; for approve, optionally the
 * statement hash the approver saw (a Slack button carries it).
 * Output: the request as stored; approve makes it APPROVED at the quorum. Applying the grant is not done here: the
 * stored decision is the intent, settled by the queued work (and, for a REST answer, briefly waited on).
 * Failures: NotFoundError (also for a request the caller may not see), SelfDecisionError, NotAnApproverError,
 * WrongStatusError (not PENDING), AlreadyApprovedError (this person or role approved already, also through a linked
 * Slack user), StatementChangedError (pinned to a hash that is no longer the request's).
 * Concurrent approvals are serialised by the store's version check: one reaches the quorum, which counts distinct
 * identities (API §11.6).
 */
import { AlreadyApprovedError, StatementChangedError, WrongStatusError } from '../errors';
import type { GrantRequest } from '../model/request';
import type { AllowlistStore, Clock, RequestStore } from '../ports';
import { checkMayDecide, checkMaySee } from '../rules/access';
import { sameIdentity } from '../rules/identities';
import type { BrokerSettings } from '../settings';
import { move, note } from '../state-machine';
import { updateWithRetry } from './update-with-retry';

export interface DecisionCommand {
  approver: string;
  id: string;
  comment: string | null;
  /** When given, the decision stands only if the statement still has this hash. */
  statementHash?: string | null;
}

export interface DecideDeps {
  settings: BrokerSettings;
  store: RequestStore;
  allowlist: AllowlistStore;
  clock: Clock;
}

export function makeDecideRequest({ settings, store, allowlist, clock }: DecideDeps) {
  async function checkDecider(request: GrantRequest, command: DecisionCommand): Promise<void> {
    const entry = await allowlist.get(request.allowlistEntryId);
    checkMaySee(request, entry, command.approver, settings);
    checkMayDecide(request, entry, command.approver, settings.identityLinks);
    if (request.status !== 'PENDING') throw new WrongStatusError(request.id, request.status, 'PENDING', 'decided');
    if (command.statementHash && command.statementHash !== request.statementHash) {
      throw new StatementChangedError();
    }
  }

  return {
    approve(command: DecisionCommand): Promise<GrantRequest> {
      return updateWithRetry(store, command.id, async (current) => {
        await checkDecider(current, command);
        if (current.approvals.some((a) => sameIdentity(a.approver, command.approver, settings.identityLinks))) {
          throw new AlreadyApprovedError(command.approver, current.id);
        }
        const at = clock.now();
        const approvals = [
          ...current.approvals,
          { approver: command.approver, at: at.toISOString(), comment: command.comment },
        ];
        const withApproval = note(current, 'APPROVAL', {
          at,
          actor: command.approver,
          detail: command.comment ? { comment: command.comment } : {},
          patch: { approvals },
        });
        if (approvals.length < current.requiredApprovals) return withApproval;
        return move(withApproval, 'APPROVED', {
          at,
          actor: command.approver,
          detail: { approvers: approvals.map((a) => a.approver) },
        });
      });
    },

    reject(command: DecisionCommand): Promise<GrantRequest> {
      return updateWithRetry(store, command.id, async (current) => {
        await checkDecider(current, command);
        return move(current, 'REJECTED', {
          at: clock.now(),
          actor: command.approver,
          detail: command.comment ? { comment: command.comment } : {},
        });
      });
    },
  };
}

export type DecideRequest = ReturnType<typeof makeDecideRequest>;

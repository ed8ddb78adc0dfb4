/**
 * Approve or reject a PENDING request.
 * Input: the deciding identity (a caller, or a Slack user), request id, optional comment; for approve, optionally the
 * statement hash the approver saw (a Slack button carries it).
 * Output: the request as stored; approve makes it APPROVED at the quorum. Applying the grant is not done here: the
 * stored decision is the intent, settled by the queued work (and, for a REST answer, briefly waited on).
 * Main course: the entry as it is now decides (docs/api.md, One rulebook): who may decide, whether the request still
 * fits it, and which approvals count towards its current quorum (rulebook/approvals.ts).
 * Failures: NotFoundError (also for a request the caller may not see), SelfDecisionError, NotAnApproverError,
 * WrongStatusError (not PENDING), AlreadyApprovedError (this person approved already, under any of its sessions or a
 * linked Slack user), StatementChangedError (pinned to a hash that is no longer the request's),
 * NoLongerPermittedError (an approve on a request its entry no longer allows: the allowlist re-check ends or moves it).
 * Concurrent approvals are serialised by the store's version check.
 */
import {
  AlreadyApprovedError,
  NoLongerPermittedError,
  NotAnApproverError,
  StatementChangedError,
  ValidationError,
  WrongStatusError,
} from '../errors';
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { GrantRequest } from '../model/request';
import type { Clock, RequestStore } from '../ports';
import { checkMayDecide } from '../rulebook/access';
import { approvedAlready, countApprovals, stepsFor } from '../rulebook/approvals';
import { judgedOnGrantAlone, liveAsk } from '../rulebook/ask';
import { fitOf } from '../rulebook/entry-fit';
import { identityOf, type Identity } from '../rulebook/identity';
import type { ResolveIdentity } from '../rulebook/resolve-identity';
import type { BrokerSettings } from '../settings';
import { approve, move, note } from '../state-machine';
import type { StandingOf } from './standing';
import { updateWithRetry } from './retry-on-stale';

export interface DecisionCommand {
  approver: Identity;
  id: string;
  comment: string | null;
  /** When given, the decision stands only if the statement still has this hash. */
  statementHash?: string | null;
  /** The approval step an approval counts in (docs/api.md, Approval steps); absent: the first still short. */
  step?: string | null;
}

export interface DecideDeps {
  settings: BrokerSettings;
  store: RequestStore;
  clock: Clock;
  standing: StandingOf;
  resolveIdentity: ResolveIdentity;
}

export function makeDecideRequest({ settings, store, clock, standing, resolveIdentity }: DecideDeps) {
  /** The decider and the request's entry as they are now, once the decider may decide on it at all. */
  async function checkDecider(request: GrantRequest, command: DecisionCommand) {
    const { entry, who: decider, patterns } = await standing.seeing(request, command.approver);
    checkMayDecide(request, entry, decider);
    if (request.status !== 'PENDING') throw new WrongStatusError(request.id, request.status, 'PENDING', 'decided');
    if (command.statementHash && command.statementHash !== request.statementHash) {
      throw new StatementChangedError();
    }
    return { entry: entry as AllowlistEntry, decider, patterns };
  }

  /** Refuses an approval of what the entry no longer allows; the re-check after the allowlist change settles it. */
  async function checkStillFits(request: GrantRequest, entry: AllowlistEntry, patterns: readonly string[]) {
    const requester = judgedOnGrantAlone(request)
      ? null
      : await resolveIdentity(identityOf(request.requester, settings), patterns);
    const fit = fitOf(entry, liveAsk(request, clock.now(), null), requester);
    if (!fit.fits) throw new NoLongerPermittedError(request.id, entry.id, `${fit.reason} (${fit.field})`);
  }

  /** The step an approval names must be one of the entry's, and one the decider approves in. */
  function checkStep(entry: AllowlistEntry, decider: Identity, step: string | null): string | null {
    if (step === null) return null;
    if (!(entry.approvalSteps ?? []).some((s) => s.name === step)) {
      throw ValidationError.field('step', `the entry has no approval step named ${step}`);
    }
    if (!stepsFor(entry, decider).some((s) => s.name === step))
      throw new NotAnApproverError(`${decider.arn} (step ${step})`);
    return step;
  }

  return {
    approve(command: DecisionCommand): Promise<GrantRequest> {
      return updateWithRetry(store, command.id, async (current) => {
        const { entry, decider, patterns } = await checkDecider(current, command);
        await checkStillFits(current, entry, patterns);
        const given = await Promise.all(
          current.approvals.map(async (approval) => ({
            approval,
            approver: await resolveIdentity(identityOf(approval.approver, settings), patterns),
          })),
        );
        if (
          approvedAlready(
            given.map((g) => g.approver),
            decider,
          )
        ) {
          throw new AlreadyApprovedError(decider.person, current.id);
        }
        const step = checkStep(entry, decider, command.step ?? null);
        const at = clock.now();
        const mine = { approver: decider.arn, person: decider.person, at: at.toISOString(), comment: command.comment };
        const tally = countApprovals(entry, current.requesterPerson, [
          ...given,
          { approval: { ...mine, counted: false, step }, approver: decider },
        ]);
        const withApproval = note(current, 'APPROVAL', {
          at,
          actor: decider.arn,
          detail: command.comment ? { comment: command.comment } : {},
          patch: { approvals: tally.approvals, requiredApprovals: tally.required, approvalSteps: tally.steps },
        });
        if (!tally.reached) return withApproval;
        return approve(withApproval, {
          at,
          actor: decider.arn,
          detail: { approvers: tally.approvals.filter((a) => a.counted).map((a) => a.approver) },
        });
      });
    },

    reject(command: DecisionCommand): Promise<GrantRequest> {
      return updateWithRetry(store, command.id, async (current) => {
        const { decider } = await checkDecider(current, command);
        return move(current, 'REJECTED', {
          at: clock.now(),
          actor: decider.arn,
          detail: command.comment ? { comment: command.comment } : {},
        });
      });
    },
  };
}

export type DecideRequest = ReturnType<typeof makeDecideRequest>;

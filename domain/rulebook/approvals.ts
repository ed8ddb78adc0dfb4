/**
 * Counting approvals as the entry is now (docs/api.md, One rulebook; Approval steps): at every decision each step's
 * quorum is the entry's current one, and an approval counts only when its approver is an eligible approver of that
 * step now, is not the requester, and no earlier counted approval is the same person (however its sessions are
 * spelled: permission set, account, case, Slack link). One person counts in one step only: the step the approval
 * named, else the first step still short that the person is eligible for.
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { Approval, StepProgress } from '../model/request';
import { hasSteps, stepsOf, type StepRule } from './approval-steps';
import type { Identity } from './identity';
import { namedByAny } from './principal-patterns';

export { quorumOf } from './approval-steps';

export interface ApprovalTally {
  /** The approvals in the order they were given, each with its person, its step and whether it counts now. */
  approvals: Approval[];
  counted: number;
  /** The quorum now: every step's count together (one, when the entry now approves by itself). */
  required: number;
  /** Each step's progress, for an entry with steps; null otherwise. */
  steps: StepProgress[] | null;
  reached: boolean;
}

/** Whether `who` (any of its sessions, or a Slack user linked to it) is among those who approved already. */
export function approvedAlready(approvers: readonly Identity[], who: Identity): boolean {
  return approvers.some((approver) => approver.person === who.person);
}

/** The steps of the entry `who` may approve in now. */
export function stepsFor(entry: AllowlistEntry, who: Identity): StepRule[] {
  return stepsOf(entry).filter((step) => namedByAny(step.patterns, who));
}

/** Where an approval counts: its own step while eligible there, else the first eligible step still short. */
function chooseStep(eligible: readonly StepRule[], wanted: string | null, counts: Map<string | null, number>) {
  const named = wanted === null ? undefined : eligible.find((step) => step.name === wanted);
  return named ?? eligible.find((step) => (counts.get(step.name) ?? 0) < step.required) ?? eligible[0];
}

/** `given`: each approval with the identity of its approver, as resolved now. */
export function countApprovals(
  entry: AllowlistEntry,
  requesterPerson: string,
  given: readonly { approval: Approval; approver: Identity }[],
): ApprovalTally {
  const steps = stepsOf(entry);
  const counts = new Map<string | null, number>();
  const persons = new Set<string>();
  const approvals = given.map(({ approval, approver }) => {
    const step =
      approver.person === requesterPerson || persons.has(approver.person)
        ? undefined
        : chooseStep(stepsFor(entry, approver), approval.step, counts);
    if (step === undefined) return { ...approval, person: approver.person, counted: false };
    persons.add(approver.person);
    counts.set(step.name, (counts.get(step.name) ?? 0) + 1);
    return { ...approval, person: approver.person, counted: true, step: step.name };
  });
  const progress = steps.map((s) => ({
    name: s.name ?? '',
    requiredApprovals: s.required,
    counted: counts.get(s.name) ?? 0,
  }));
  return {
    approvals,
    counted: persons.size,
    required: steps.reduce((sum, s) => sum + s.required, 0),
    steps: hasSteps(entry) ? progress : null,
    reached: progress.every((s) => s.counted >= s.requiredApprovals),
  };
}

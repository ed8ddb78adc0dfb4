/**
 * Counting approvals as the entry is now (docs/api.md, One rulebook): at every decision the quorum is the entry's
 * current `requiredApprovals`, and an approval counts only when its approver is an eligible approver now, is not the
 * requester, and no earlier counted approval is the same person (however its sessions are spelled: permission set,
 * account, case, Slack link).
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { Approval } from '../model/request';
import { isEligibleApprover } from './access';
import type { Identity } from './identity';

export interface ApprovalTally {
  /** The approvals in the order they were given, each with its person and whether it counts now. */
  approvals: Approval[];
  counted: number;
  /** The quorum now: the entry's requiredApprovals (one, when the entry now approves by itself). */
  required: number;
  reached: boolean;
}

/** Whether `who` (any of its sessions, or a Slack user linked to it) is among those who approved already. */
export function approvedAlready(approvers: readonly Identity[], who: Identity): boolean {
  return approvers.some((approver) => approver.person === who.person);
}

export function quorumOf(entry: AllowlistEntry): number {
  return entry.autoApprove ? 1 : entry.requiredApprovals;
}

/** `given`: each approval with the identity of its approver, as resolved now. */
export function countApprovals(
  entry: AllowlistEntry,
  requesterPerson: string,
  given: readonly { approval: Approval; approver: Identity }[],
): ApprovalTally {
  const persons = new Set<string>();
  const approvals = given.map(({ approval, approver }) => {
    const counted =
      approver.person !== requesterPerson && !persons.has(approver.person) && isEligibleApprover(entry, approver);
    if (counted) persons.add(approver.person);
    return { ...approval, person: approver.person, counted };
  });
  const required = quorumOf(entry);
  return { approvals, counted: persons.size, required, reached: persons.size >= required };
}

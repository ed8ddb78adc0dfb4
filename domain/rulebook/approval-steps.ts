/**
 * The approvals an entry asks for, as steps (docs/api.md, Approval steps): an entry with `approvalSteps` has those; any
 * other entry has one unnamed step of its top-level approvers, approver groups and quorum. Eligibility and counting
 * (approvals.ts) read only this shape, so a step and a plain entry follow one rule.
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { StepProgress } from '../model/request';
import { groupPattern } from './principal-patterns';

export interface StepRule {
  /** null for the one step of an entry without `approvalSteps`. */
  name: string | null;
  /** Its approver patterns, its groups among them as group patterns. */
  patterns: string[];
  required: number;
  slackChannel: string | null;
}

/** The quorum of an entry without steps: its requiredApprovals (one, when the entry approves by itself). */
export function quorumOf(entry: AllowlistEntry): number {
  return entry.autoApprove ? 1 : entry.requiredApprovals;
}

export function hasSteps(entry: AllowlistEntry): boolean {
  return (entry.approvalSteps ?? []).length > 0;
}

export function stepsOf(entry: AllowlistEntry): StepRule[] {
  if (!hasSteps(entry)) {
    return [
      {
        name: null,
        patterns: [...entry.approvers, ...(entry.approverGroups ?? []).map(groupPattern)],
        required: quorumOf(entry),
        slackChannel: entry.slackChannel,
      },
    ];
  }
  return (entry.approvalSteps ?? []).map((step) => ({
    name: step.name,
    patterns: [...step.approvers, ...step.approverGroups.map(groupPattern)],
    required: step.requiredApprovals,
    slackChannel: step.slackChannel,
  }));
}

/** Every approver pattern of the entry, in any step: who is an eligible approver at all. */
export function approverPatternsOf(entry: AllowlistEntry): string[] {
  return stepsOf(entry).flatMap((step) => step.patterns);
}

/** Every identity-store group the entry names, in any step (checked to exist when the entry is stored). */
export function groupsOf(entry: Pick<AllowlistEntry, 'approverGroups' | 'approvalSteps'>): string[] {
  const named = [...(entry.approverGroups ?? []), ...(entry.approvalSteps ?? []).flatMap((s) => s.approverGroups)];
  return [...new Set(named)];
}

/** Each step at nought, for a new request of an entry with steps; null for an entry without. */
export function startingProgress(entry: AllowlistEntry): StepProgress[] | null {
  if (!hasSteps(entry)) return null;
  return stepsOf(entry).map((s) => ({ name: s.name ?? '', requiredApprovals: s.required, counted: 0 }));
}

/** Where approvers hear of a request: each step's channel (the entry's when a step names none), each once. */
export function approvalChannelsOf(entry: AllowlistEntry): string[] {
  const channels = stepsOf(entry).map((step) => step.slackChannel ?? entry.slackChannel);
  return [...new Set(channels.filter((c): c is string => c !== null))];
}

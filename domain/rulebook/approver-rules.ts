/**
 * What an entry must say about its approvers (docs/api.md, Approval steps): someone approves unless the entry approves
 * by itself; with `approvalSteps`, the steps name them and the top level names none; groups are named as groups.
 */
import type { FieldIssue } from '../errors';
import type { AllowlistEntryInput } from '../model/allowlist-entry';
import { groupOfPattern } from './principal-patterns';

type ApproverFields = Pick<AllowlistEntryInput, 'autoApprove' | 'approvers' | 'approverGroups' | 'approvalSteps'>;

function groupsAsPatterns(path: string, approvers: readonly string[]): FieldIssue[] {
  return approvers
    .filter((pattern) => groupOfPattern(pattern) !== null)
    .map((pattern) => ({ path, message: `${pattern} names a group: list it in approverGroups (without group:)` }));
}

function stepIssues(steps: NonNullable<ApproverFields['approvalSteps']>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  steps.forEach((step, i) => {
    const path = `approvalSteps.${i}`;
    if (seen.has(step.name)) issues.push({ path: `${path}.name`, message: `${step.name} names two steps` });
    seen.add(step.name);
    if (step.approvers.length + step.approverGroups.length === 0) {
      issues.push({ path: `${path}.approvers`, message: 'must name at least one approver or approver group' });
    }
    issues.push(...groupsAsPatterns(`${path}.approvers`, step.approvers));
  });
  return issues;
}

export function approverIssues(input: ApproverFields): FieldIssue[] {
  const steps = input.approvalSteps ?? [];
  const groups = input.approverGroups ?? [];
  const issues = groupsAsPatterns('approvers', input.approvers);
  if (steps.length === 0) {
    if (!input.autoApprove && input.approvers.length + groups.length === 0) {
      issues.push({
        path: 'approvers',
        message: 'must name at least one approver (or approverGroups) unless autoApprove is true',
      });
    }
    return issues;
  }
  if (input.autoApprove) issues.push({ path: 'approvalSteps', message: 'must be empty when autoApprove is true' });
  if (input.approvers.length > 0)
    issues.push({ path: 'approvers', message: 'must be empty when approvalSteps are given' });
  if (groups.length > 0) issues.push({ path: 'approverGroups', message: 'must be empty when approvalSteps are given' });
  return [...issues, ...stepIssues(steps)];
}

/** A plan as people read it in a terminal or a pull request's log (docs/allowlist-as-code.md, Plan). */
import type { Paint } from '../output/paint';
import { describeDiff } from '../../domain/rules/entry-diff';
import { hasChanges, type ImpactSummary, type Plan, type PlanItem } from './plan';

function impactLines(impact: ImpactSummary | null): string[] {
  if (!impact) return [];
  const lines = [
    `    live grants: ${impact.kept.length} kept, ${impact.rematched.length} moved to another entry, ${impact.ended.length} ended`,
  ];
  for (const r of impact.rematched) lines.push(`      ${r.id} moves to ${r.entryId}`);
  for (const e of impact.ended) lines.push(`      ${e.id} ends ${e.status}: ${e.reason}`);
  return lines;
}

function itemLines(item: PlanItem, paint: Paint): string[] {
  const at = item.version === null ? '' : ` (version ${item.version})`;
  switch (item.action) {
    case 'unchanged':
      return [`  ${item.id}: unchanged${at}`];
    case 'untracked':
      return [paint.yellow(`  ${item.id}: not in the directory${at}; kept (--prune deletes it)`)];
    case 'delete':
      return [paint.red(`- ${item.id}: deleted${at}`), ...impactLines(item.impact)];
    case 'create':
    case 'change': {
      const head =
        item.action === 'create'
          ? paint.green(`+ ${item.id}: created from ${item.file ?? ''}`)
          : paint.yellow(`~ ${item.id}: changed${at}`);
      return [
        head,
        ...item.diffs.map((d) => `    ${describeDiff(d)}`),
        ...item.warnings.map((w) => paint.yellow(`    warning: ${w}`)),
        ...impactLines(item.impact),
      ];
    }
  }
}

export function renderPlan(plan: Plan, paint: Paint): string {
  const count = (action: PlanItem['action']) => plan.items.filter((i) => i.action === action).length;
  const lines = plan.items.flatMap((item) => itemLines(item, paint));
  const summary = hasChanges(plan)
    ? `plan: ${count('create')} to create, ${count('change')} to change, ${count('delete')} to delete, ${count('unchanged')} unchanged`
    : `plan: nothing to do (${count('unchanged')} unchanged)`;
  return `${[...lines, summary].join('\n')}\n`;
}

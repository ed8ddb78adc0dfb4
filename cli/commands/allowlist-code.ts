/**
 * The allowlist as code (docs/allowlist-as-code.md): `lpb allowlist export | plan | apply --dir D [--prune]`, with
 * terraform's exit codes for plan (0 nothing to do, 2 changes, 1 error) and apply (0 done, 1 error or stopped).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { describeApiError } from '../api/broker-request';
import { UsageError } from '../argv';
import { str, type CommandContext, type ProgramCommand } from '../command';
import { InputError } from '../json-input';
import { coloursWanted, paint } from '../output/paint';
import { applyPlan } from '../allowlist-code/apply-plan';
import { bodyOf, readEntryFiles, writeEntryFile } from '../allowlist-code/entry-files';
import { PlanApiError, filesDigest, hasChanges, makePlan, type Plan } from '../allowlist-code/plan';
import { renderPlan } from '../allowlist-code/render-plan';

/** Plan's and apply's own exit codes (terraform's `plan -detailed-exitcode`). */
export const PLAN_EXIT = { NOTHING: 0, ERROR: 1, CHANGES: 2 } as const;

const dir = {
  type: 'string',
  description: 'the directory of entry files (<id>.yaml, .yml or .json)',
  required: true,
} as const;
const prune = { type: 'boolean', description: 'delete entries that have no file in the directory' } as const;

function dirOf(values: CommandContext['values']): string {
  const d = str(values.dir);
  if (!d) throw new UsageError('--dir: which directory?', 'allowlist');
  return d;
}

/**
 * Runs `work`; any error is said on stderr and is exit 1 (docs/allowlist-as-code.md): a refusal of the API, a bad file
 * or option, a broker that cannot be reached, no credentials. A CI job reads 0 and 2 as answers and 1 as "no answer",
 * so nothing may leave with another code.
 */
async function orError(context: CommandContext, name: string, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    const said =
      error instanceof PlanApiError
        ? `${error.message}: ${describeApiError(error.status, error.body)}`
        : error instanceof Error
          ? error.message
          : String(error);
    context.io.err(`lpb allowlist ${name}: ${said}\n`);
    return PLAN_EXIT.ERROR;
  }
}

export const allowlistExport: ProgramCommand = {
  summary: 'Write every allowlist entry to a file of its own, <dir>/<id>.yaml (admins)',
  usage: 'lpb allowlist export --dir D [--format yaml|json]',
  args: [],
  options: { dir, format: { type: 'string', description: 'yaml (default) or json' } },
  run: (context) =>
    orError(context, 'export', async () => {
      const format = str(context.values.format) ?? 'yaml';
      if (format !== 'yaml' && format !== 'json') throw new UsageError(`--format: "${format}" is not yaml or json`);
      const target = dirOf(context.values);
      const answer = await context.client.call('GET', 'v1/allowlist');
      if (answer.status >= 400) throw new PlanApiError(answer.status, answer.body, 'the allowlist');
      await mkdir(target, { recursive: true });
      const entries = (answer.body as { items: Record<string, unknown>[] }).items;
      for (const entry of entries) {
        context.io.out(`${await writeEntryFile(target, String(entry.id), bodyOf(entry), format)}\n`);
      }
      context.io.err(`exported ${entries.length} entries to ${target}\n`);
      return PLAN_EXIT.NOTHING;
    }),
};

export const allowlistPlan: ProgramCommand = {
  summary: 'Show what apply would change: per entry, field by field, with warnings and live grants (exit 2: changes)',
  usage: 'lpb allowlist plan --dir D [--prune] [--out plan.json]',
  args: [],
  options: { dir, prune, out: { type: 'string', description: 'also save the plan, for apply --plan' } },
  run: (context) =>
    orError(context, 'plan', async () => {
      const plan = await makePlan(context.client, dirOf(context.values), context.values.prune === true);
      const out = str(context.values.out);
      if (out) await writeFile(out, `${JSON.stringify(plan, null, 2)}\n`, 'utf8');
      const json = str(context.values.output) === 'json';
      context.io.out(
        json
          ? `${JSON.stringify(plan, null, 2)}\n`
          : renderPlan(plan, paint(coloursWanted(context.io.stdoutIsTTY, context.io.env))),
      );
      return hasChanges(plan) ? PLAN_EXIT.CHANGES : PLAN_EXIT.NOTHING;
    }),
};

/** The saved plan, if it still fits the directory's files; else the plan of now. */
async function planToApply(context: CommandContext, target: string, pruning: boolean): Promise<Plan> {
  const saved = str(context.values.plan);
  if (!saved) return makePlan(context.client, target, pruning);
  const plan = JSON.parse(await readFile(saved, 'utf8')) as Plan;
  if (plan.digest !== filesDigest(await readEntryFiles(target)) || plan.prune !== pruning) {
    throw new InputError(`${saved} was planned for other files (or another --prune): plan again`);
  }
  return plan;
}

export const allowlistApply: ProgramCommand = {
  summary: 'Make the plan: each write only while the entry is at the version the plan saw (412 stops it)',
  usage: 'lpb allowlist apply --dir D [--prune] [--plan plan.json]',
  args: [],
  options: {
    dir,
    prune,
    plan: { type: 'string', description: 'apply this saved plan (plan --out) instead of planning now' },
  },
  run: (context) =>
    orError(context, 'apply', async () => {
      const colours = paint(coloursWanted(context.io.stdoutIsTTY, context.io.env));
      const plan = await planToApply(context, dirOf(context.values), context.values.prune === true);
      context.io.out(renderPlan(plan, colours));
      const outcome = await applyPlan(context.client, plan, (line) => context.io.out(`${line}\n`));
      if (outcome.ok) {
        context.io.out(`applied: ${outcome.applied.length} changes\n`);
        return PLAN_EXIT.NOTHING;
      }
      const { failed, status, body } = outcome;
      const why =
        status === 412
          ? `${failed.id} changed since the plan (planned against ${failed.version === null ? 'no entry' : `version ${failed.version}`}); nothing after it was applied: plan again`
          : `${failed.id}: ${describeApiError(status, body)}`;
      context.io.err(`lpb allowlist apply: ${why}\n`);
      context.io.out(`applied: ${outcome.applied.length} changes before stopping at ${failed.id}\n`);
      return PLAN_EXIT.ERROR;
    }),
};

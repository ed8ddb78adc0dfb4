/**
 * Which statements already in a function's policy let the principal of a new grant invoke it, under conditions the
 * grant also meets (docs/policy-preview.md, Overlaps): the approver then knows the new statement adds nothing, or
 * that a hand-made one grants more than the broker ever would. Judged as IAM judges it: a wildcard action or
 * principal covers ours; an account covers its roles and users; every condition of theirs must hold for ours.
 * A condition the broker never writes cannot be judged here, so such a statement is not called an overlap.
 */
import type { PolicyOverlap } from '../model/policy-preview';
import { ACCOUNT_ID, parseArn } from '../rules/arn';
import { matchesPattern } from '../rules/pattern';
import { principalOf } from '../rules/statement-reading';
import type { InvokeStatement } from '../../policies/statement-types';

type Statement = Record<string, unknown>;

const INVOKE = 'lambda:InvokeFunction';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

function coversInvoke(action: unknown): boolean {
  return listOf(action).some((a) => typeof a === 'string' && matchesPattern(a.toLowerCase(), INVOKE.toLowerCase()));
}

/** How theirs covers our principal, in words; null when it does not. */
function principalCover(theirs: string | null, ours: string): string | null {
  if (theirs === null) return null;
  if (theirs === '*') return 'lets everyone (*)';
  if (theirs === ours) return `lets ${ours}`;
  const account = parseArn(ours)?.account;
  if (ACCOUNT_ID.test(theirs) && account === theirs) return `lets all of account ${theirs} (${ours} is in it)`;
  return null;
}

/** The conditions a statement sets, as `operator key` → value. */
function conditionsOf(statement: Statement): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const condition = isRecord(statement.Condition) ? statement.Condition : {};
  for (const [operator, block] of Object.entries(condition)) {
    for (const [key, value] of Object.entries(isRecord(block) ? block : {}))
      found.set(`${operator} ${key.toLowerCase()}`, value);
  }
  return found;
}

/** Every condition of theirs holds for ours (ArnLike as a pattern over our SourceArn, the rest equal). */
function conditionsHold(theirs: Statement, ours: Statement): boolean {
  const mine = conditionsOf(ours);
  for (const [key, value] of conditionsOf(theirs)) {
    const own = mine.get(key);
    if (typeof value !== 'string' || typeof own !== 'string') return false;
    if (key.startsWith('ArnLike ') ? !matchesPattern(value, own) : value !== own) return false;
  }
  return true;
}

export function overlapsOf(existing: readonly Statement[], ours: InvokeStatement): PolicyOverlap[] {
  const principal = principalOf(ours.Principal) ?? '';
  const overlaps: PolicyOverlap[] = [];
  for (const statement of existing) {
    if (statement.Sid === ours.Sid || statement.Effect !== 'Allow' || !coversInvoke(statement.Action)) continue;
    const who = principalCover(principalOf(statement.Principal), principal);
    if (who === null || !conditionsHold(statement, ours as unknown as Statement)) continue;
    const scope = conditionsOf(statement).size === 0 ? 'with no condition' : 'under conditions this grant also meets';
    const sid = typeof statement.Sid === 'string' ? statement.Sid : '';
    overlaps.push({ statementId: sid, reason: `${who} invoke ${scope}` });
  }
  return overlaps;
}

/**
 * Which statements already in a function's policy let the principal of a new grant invoke it, under conditions the
 * grant also meets (docs/policy-preview.md, Overlaps): the approver then knows the new statement adds nothing, or
 * that a hand-made one grants more than the broker ever would. Judged as IAM judges it: a wildcard action or
 * principal covers ours; an account covers its roles and users; every condition of theirs must hold for ours.
 * A condition the broker never writes cannot be judged here, so such a statement is not called an overlap.
 */
import type { PolicyOverlap } from '../model/policy-preview';
import { ACCOUNT_ID, parseArn } from '../rules/arn';
import { hasWildcard, matchesPattern } from '../rules/pattern';
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

/** An ARN's six parts as IAM's ArnLike matches them, each on its own (the resource keeps its colons). */
function arnParts(arn: string): string[] {
  const parts = arn.split(':');
  return parts.length <= 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * Their pattern part takes every value ours can: ours literal and matched, the same pattern, or theirs a literal
 * prefix and a final `*` that ours starts with (ours may hold wildcards: API Gateway paths, log groups' `:*`).
 */
function partCovers(theirs: string, own: string): boolean {
  if (!hasWildcard(own)) return matchesPattern(theirs, own);
  if (theirs === own) return true;
  const prefix = theirs.slice(0, -1);
  return theirs.endsWith('*') && !hasWildcard(prefix) && own.startsWith(prefix);
}

function arnLikeCovers(theirs: string, own: string): boolean {
  const [mine, ours] = [arnParts(theirs), arnParts(own)];
  return mine.length === ours.length && mine.every((part, i) => partCovers(part, ours[i] as string));
}

/**
 * Every condition of theirs holds for ours: ArnLike as IAM matches an ARN, the others equal; a list of values is met
 * by any one of them.
 */
function conditionsHold(theirs: Statement, ours: Statement): boolean {
  const mine = conditionsOf(ours);
  for (const [key, value] of conditionsOf(theirs)) {
    const own = mine.get(key);
    const values = listOf(value);
    if (typeof own !== 'string' || !values.every((v): v is string => typeof v === 'string')) return false;
    const holds = (v: string) => (key.startsWith('ArnLike ') ? arnLikeCovers(v, own) : v === own);
    if (!values.some(holds)) return false;
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

/**
 * Reads a statement found in a function's resource policy back into the ask that would have produced it
 * (docs/adoption.md, Adopt), so that the safety floor and the allowlist can judge statements the broker did not write.
 *
 * It understands what AddPermission stores (facts/lambda.md: `{"Service"}`, `{"AWS": "arn:…:root"}`, `{"AWS": arn}`,
 * `"*"`; SourceArn under ArnLike; SourceAccount and PrincipalOrgID under StringEquals) and what moto stores instead
 * (account and ARN principals as raw strings). Anything else — another action, a Deny, a condition the broker never
 * writes (function URLs, Alexa skill tokens), a principal that is a deleted role's AROA… id — is reported, never
 * guessed at. Finally the reading must rebuild the very statement (sameStatement): only then is it an ask with the
 * same meaning.
 */
import type { FieldIssue } from '../errors';
import { invokeStatementFor } from '../../policies/invoke-statement';
import { ACCOUNT_ROOT_ARN } from './arn';
import { sameStatement } from './statement-equivalence';

/** The grant a statement makes, as a requester would ask for it (an account principal as its 12-digit id). */
export interface StatementAsk {
  principal: string;
  sourceArn?: string;
  sourceAccount?: string;
  principalOrgId?: string;
}

export type StatementReading = { ask: StatementAsk; issues: [] } | { ask: null; issues: FieldIssue[] };

export interface PolicyOwner {
  /** Unqualified function ARN. */
  functionArn: string;
  qualifier: string | null;
}

const KEYS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition']);
/** IAM unique ids (AROA… roles, AIDA… users): what AWS shows once the principal a statement named is deleted. */
const UNIQUE_ID = /^A[A-Z]{3}[A-Z0-9]{12,}$/;
/** Condition operator → key → the ask field it carries, exactly as Lambda writes them. */
const CONDITION_FIELDS: Readonly<Record<string, Readonly<Record<string, keyof StatementAsk>>>> = {
  ArnLike: { 'AWS:SourceArn': 'sourceArn' },
  StringEquals: { 'AWS:SourceAccount': 'sourceAccount', 'aws:PrincipalOrgID': 'principalOrgId' },
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A principal as AddPermission takes it, or null when the statement names none the broker can grant. */
export function principalOf(stored: unknown): string | null {
  let value = stored;
  if (isRecord(stored) && Object.keys(stored).length === 1) value = stored.Service ?? stored.AWS;
  if (typeof value !== 'string') return null;
  return ACCOUNT_ROOT_ARN.exec(value)?.[2] ?? value;
}

export function readStatement(statement: Record<string, unknown>, owner: PolicyOwner): StatementReading {
  const issues: FieldIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  for (const key of Object.keys(statement)) {
    if (!KEYS.has(key)) issue(`statement.${key}`, 'is not something the broker can grant (it writes no such key)');
  }
  if (statement.Effect !== 'Allow') issue('statement.Effect', 'must be Allow');
  if (statement.Action !== 'lambda:InvokeFunction') issue('statement.Action', 'must be lambda:InvokeFunction');
  const resource = owner.qualifier ? `${owner.functionArn}:${owner.qualifier}` : owner.functionArn;
  if (statement.Resource !== resource) issue('statement.Resource', `must be ${resource}`);

  const principal = principalOf(statement.Principal);
  if (principal === null) {
    issue('statement.Principal', 'must name one principal: a service, an account, an IAM role or user, or *');
  } else if (UNIQUE_ID.test(principal)) {
    issue('statement.Principal', `${principal} is the unique id of a deleted role or user: it names nobody any more`);
  }

  const ask: StatementAsk = { principal: principal ?? '' };
  const condition = statement.Condition ?? {};
  if (!isRecord(condition)) issue('statement.Condition', 'must be an object');
  for (const [operator, block] of Object.entries(isRecord(condition) ? condition : {})) {
    for (const [key, value] of Object.entries(isRecord(block) ? block : { '': block })) {
      const field = CONDITION_FIELDS[operator]?.[key];
      if (field && typeof value === 'string') ask[field] = value;
      else {
        issue(
          `statement.Condition.${operator}${key ? `.${key}` : ''}`,
          'is not a condition the broker writes (only SourceArn, SourceAccount and PrincipalOrgID)',
        );
      }
    }
  }
  if (issues.length > 0) return { ask: null, issues };

  if (!sameStatement(statement, invokeStatementFor(String(statement.Sid), owner, ask))) {
    return { ask: null, issues: [{ path: 'statement', message: 'does not read back as the same statement' }] };
  }
  return { ask, issues: [] };
}

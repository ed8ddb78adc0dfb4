/** Builds the resource-policy statement Lambda stores for an AddPermission call. */
import { ACCOUNT_ID, accountRootArn, parseArn } from '../domain/rules/arn';
import type { InvokeStatement, StatementPrincipal } from './statement-types';

export interface InvokeGrantShape {
  sid: string;
  functionArn: string;
  qualifier: string | null;
  principal: string;
  sourceArn: string | null;
  sourceAccount: string | null;
  principalOrgId: string | null;
}

/**
 * How Lambda stores a principal: service → {Service}, account → {AWS: its root ARN in the function's partition},
 * IAM ARN → {AWS}, `*` → "*".
 */
function storedPrincipal(principal: string, partition: string): StatementPrincipal {
  if (principal === '*') return '*';
  if (ACCOUNT_ID.test(principal)) return { AWS: accountRootArn(partition, principal) };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}

export function invokeStatement(shape: InvokeGrantShape): InvokeStatement {
  const statement: InvokeStatement = {
    Sid: shape.sid,
    Effect: 'Allow',
    Principal: storedPrincipal(shape.principal, parseArn(shape.functionArn)?.partition ?? ''),
    Action: 'lambda:InvokeFunction',
    Resource: shape.qualifier ? `${shape.functionArn}:${shape.qualifier}` : shape.functionArn,
  };
  const stringEquals: NonNullable<InvokeStatement['Condition']>['StringEquals'] = {};
  if (shape.sourceAccount) stringEquals['AWS:SourceAccount'] = shape.sourceAccount;
  if (shape.principalOrgId) stringEquals['aws:PrincipalOrgID'] = shape.principalOrgId;
  const condition: NonNullable<InvokeStatement['Condition']> = {};
  if (Object.keys(stringEquals).length > 0) condition.StringEquals = stringEquals;
  if (shape.sourceArn) condition.ArnLike = { 'AWS:SourceArn': shape.sourceArn };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return statement;
}

/** The statement that grants an ask (its absent fields add no condition) on a function or one of its qualifiers. */
export function invokeStatementFor(
  sid: string,
  target: { functionArn: string; qualifier: string | null },
  ask: {
    principal: string;
    sourceArn?: string | undefined;
    sourceAccount?: string | undefined;
    principalOrgId?: string | undefined;
  },
): InvokeStatement {
  return invokeStatement({
    sid,
    functionArn: target.functionArn,
    qualifier: target.qualifier,
    principal: ask.principal,
    sourceArn: ask.sourceArn ?? null,
    sourceAccount: ask.sourceAccount ?? null,
    principalOrgId: ask.principalOrgId ?? null,
  });
}

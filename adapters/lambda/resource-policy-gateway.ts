/**
 * ResourcePolicyGateway on Lambda GetPolicy / AddPermission / RemovePermission, in the account that owns the function;
 * AWS errors become domain outcomes.
 */
import {
  AddPermissionCommand,
  GetPolicyCommand,
  RemovePermissionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { FunctionBusyError, GrantRejectedError, PolicyChangedError } from '../../domain/errors';
import type { PolicyTarget, ResourcePolicy, ResourcePolicyGateway } from '../../domain/ports';
import { ACCOUNT_ROOT_ARN } from '../../domain/rules/arn';
import type { InvokeStatement } from '../../policies/statement-types';
import { accountOf, type ClientIn } from '../aws/account-clients';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';

const qualifierOf = (t: PolicyTarget) => (t.qualifier ? { Qualifier: t.qualifier } : {});

/** AddPermission's parameters for a statement the broker built (the inverse of policies/invoke-statement.ts). */
export function addPermissionInput(target: PolicyTarget, statement: InvokeStatement, revisionId: string | null) {
  const principal = statement.Principal;
  const principalValue =
    principal === '*'
      ? '*'
      : 'Service' in principal
        ? principal.Service
        : (ACCOUNT_ROOT_ARN.exec(principal.AWS)?.[2] ?? principal.AWS);
  const equals = statement.Condition?.StringEquals;
  return {
    FunctionName: target.functionName,
    ...qualifierOf(target),
    StatementId: statement.Sid,
    Action: statement.Action,
    Principal: principalValue,
    ...(statement.Condition?.ArnLike ? { SourceArn: statement.Condition.ArnLike['AWS:SourceArn'] } : {}),
    ...(equals?.['AWS:SourceAccount'] ? { SourceAccount: equals['AWS:SourceAccount'] } : {}),
    ...(equals?.['aws:PrincipalOrgID'] ? { PrincipalOrgID: equals['aws:PrincipalOrgID'] } : {}),
    ...(revisionId ? { RevisionId: revisionId } : {}),
  };
}

/** AddPermission's answer: the statement as stored, a JSON string; null when absent or unreadable. */
function storedStatement(json: string | undefined): Record<string, unknown> | null {
  if (!json) return null;
  try {
    const parsed = JSON.parse(json) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export interface ResourcePolicyGatewayOptions {
  /**
   * Send RemovePermission's RevisionId when asked to remove conditionally. Off against an emulator: moto 5.2.1 answers
   * 412 to any RevisionId on RemovePermission (facts/moto.md), so there the fresh read just before is the only guard.
   */
  conditionalRemoves: boolean;
}

export class LambdaResourcePolicyGateway implements ResourcePolicyGateway {
  constructor(
    private readonly lambdaIn: ClientIn<LambdaClient>,
    private readonly options: ResourcePolicyGatewayOptions = { conditionalRemoves: true },
  ) {}

  private lambda(target: PolicyTarget): LambdaClient {
    return this.lambdaIn(accountOf(target.functionName));
  }

  async read(target: PolicyTarget): Promise<ResourcePolicy | null> {
    try {
      const { Policy, RevisionId } = await this.lambda(target).send(
        new GetPolicyCommand({ FunctionName: target.functionName, ...qualifierOf(target) }),
      );
      const document = JSON.parse(Policy ?? '{}') as { Statement?: Record<string, unknown>[] };
      return {
        statements: document.Statement ?? [],
        revisionId: RevisionId ?? '',
        documentBytes: new TextEncoder().encode(Policy ?? '').length,
      };
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return null;
      return translateAwsError(error, 'AWS Lambda');
    }
  }

  async add(
    target: PolicyTarget,
    statement: InvokeStatement,
    revisionId: string | null,
  ): Promise<Record<string, unknown> | null> {
    try {
      const { Statement } = await this.lambda(target).send(
        new AddPermissionCommand(addPermissionInput(target, statement, revisionId)),
      );
      return storedStatement(Statement);
    } catch (error) {
      switch (awsErrorName(error)) {
        case 'PreconditionFailedException':
          throw new PolicyChangedError(undefined, { cause: error });
        case 'ResourceConflictException':
          // The Sid exists, or an update of the function is in progress: the operator re-reads to tell which.
          throw new FunctionBusyError((error as Error).message, { cause: error });
        case 'PolicyLengthExceededException':
          throw new GrantRejectedError('the resource policy would exceed 20,480 bytes', { cause: error });
        case 'InvalidParameterValueException':
        case 'ValidationException':
          throw new GrantRejectedError((error as Error).message, { cause: error });
        case 'ResourceNotFoundException':
          throw new GrantRejectedError('the function, version or alias no longer exists', { cause: error });
        default:
          return translateAwsError(error, 'AWS Lambda');
      }
    }
  }

  async remove(target: PolicyTarget, sid: string, revisionId: string | null = null): Promise<'removed' | 'absent'> {
    // Without a RevisionId (the broker's own statements) removal is by Sid, and must not fail because an app team
    // deployed meanwhile; with one (an adopted statement), only the policy as it was read.
    const condition = revisionId !== null && this.options.conditionalRemoves ? { RevisionId: revisionId } : {};
    try {
      await this.lambda(target).send(
        new RemovePermissionCommand({
          FunctionName: target.functionName,
          ...qualifierOf(target),
          StatementId: sid,
          ...condition,
        }),
      );
      return 'removed';
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return 'absent';
      if (awsErrorName(error) === 'PreconditionFailedException') {
        throw new PolicyChangedError(undefined, { cause: error });
      }
      return translateAwsError(error, 'AWS Lambda');
    }
  }
}

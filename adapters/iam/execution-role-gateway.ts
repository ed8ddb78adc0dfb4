/** ExecutionRoleGateway on IAM inline role policies: one broker-owned policy per event source grant. */
import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  paginateListRolePolicies,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { GrantRejectedError } from '../../domain/errors';
import type { ExecutionRoleGateway } from '../../domain/ports';
import { iamPolicyChars, roleDocument } from '../../domain/rules/policy-limits';
import type { RoleStatement } from '../../policies/statement-types';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';

/** `arn:<partition>:iam::A:role/path/name` → `name` (IAM's role APIs take the name). */
export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

export class IamExecutionRoleGateway implements ExecutionRoleGateway {
  constructor(private readonly iam: IAMClient) {}

  async inlinePolicySize(roleArn: string, except: string): Promise<number> {
    const RoleName = roleNameOf(roleArn);
    let total = 0;
    try {
      for await (const page of paginateListRolePolicies({ client: this.iam }, { RoleName })) {
        for (const PolicyName of page.PolicyNames ?? []) {
          if (PolicyName === except) continue;
          const { PolicyDocument } = await this.iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
          // IAM returns the document URL-encoded.
          total += iamPolicyChars(JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')));
        }
      }
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchEntityException' || awsErrorName(error) === 'NoSuchEntity') {
        throw new GrantRejectedError(`execution role ${roleArn} does not exist`, { cause: error });
      }
      return translateAwsError(error, 'AWS IAM');
    }
    return total;
  }

  async put(roleArn: string, policyName: string, statement: RoleStatement): Promise<void> {
    try {
      await this.iam.send(
        new PutRolePolicyCommand({
          RoleName: roleNameOf(roleArn),
          PolicyName: policyName,
          PolicyDocument: JSON.stringify(roleDocument(statement)),
        }),
      );
    } catch (error) {
      const name = awsErrorName(error) ?? '';
      if (
        [
          'LimitExceededException',
          'LimitExceeded',
          'MalformedPolicyDocumentException',
          'NoSuchEntityException',
          'NoSuchEntity',
        ].includes(name)
      ) {
        throw new GrantRejectedError(`IAM refused the role policy: ${(error as Error).message}`, { cause: error });
      }
      translateAwsError(error, 'AWS IAM');
    }
  }

  async delete(roleArn: string, policyName: string): Promise<'removed' | 'absent'> {
    try {
      await this.iam.send(new DeleteRolePolicyCommand({ RoleName: roleNameOf(roleArn), PolicyName: policyName }));
      return 'removed';
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'NoSuchEntityException' || name === 'NoSuchEntity') return 'absent';
      return translateAwsError(error, 'AWS IAM');
    }
  }
}

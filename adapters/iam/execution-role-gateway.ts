/**
 * ExecutionRoleGateway on IAM inline role policies, in the account that owns the role: one broker-owned policy per
 * event source grant.
 */
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
import { accountOf, type ClientIn } from '../aws/account-clients';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';

/** `arn:<partition>:iam::A:role/path/name` → `name` (IAM's role APIs take the name). */
export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

const isNoSuchEntity = (error: unknown) =>
  ['NoSuchEntityException', 'NoSuchEntity'].includes(awsErrorName(error) ?? '');

/**
 * Characters of one inline policy. One deleted between the listing and this read (another grant on the role ending
 * meanwhile) counts as nothing: only a role that is gone is a refusal.
 */
async function policyChars(iam: IAMClient, RoleName: string, PolicyName: string): Promise<number> {
  try {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
    // IAM returns the document URL-encoded.
    return iamPolicyChars(JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')));
  } catch (error) {
    if (isNoSuchEntity(error)) return 0;
    throw error;
  }
}

export class IamExecutionRoleGateway implements ExecutionRoleGateway {
  constructor(private readonly iamIn: ClientIn<IAMClient>) {}

  private iam(roleArn: string): IAMClient {
    return this.iamIn(accountOf(roleArn));
  }

  async inlinePolicySize(roleArn: string, except: string): Promise<number> {
    const RoleName = roleNameOf(roleArn);
    let total = 0;
    try {
      const iam = this.iam(roleArn);
      for await (const page of paginateListRolePolicies({ client: iam }, { RoleName })) {
        for (const PolicyName of page.PolicyNames ?? []) {
          if (PolicyName !== except) total += await policyChars(iam, RoleName, PolicyName);
        }
      }
    } catch (error) {
      if (isNoSuchEntity(error)) {
        throw new GrantRejectedError(`execution role ${roleArn} does not exist`, { cause: error });
      }
      return translateAwsError(error, 'AWS IAM');
    }
    return total;
  }

  async put(roleArn: string, policyName: string, statement: RoleStatement): Promise<void> {
    try {
      await this.iam(roleArn).send(
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
      await this.iam(roleArn).send(
        new DeleteRolePolicyCommand({ RoleName: roleNameOf(roleArn), PolicyName: policyName }),
      );
      return 'removed';
    } catch (error) {
      if (isNoSuchEntity(error)) return 'absent';
      return translateAwsError(error, 'AWS IAM');
    }
  }

  async read(roleArn: string, policyName: string): Promise<unknown> {
    try {
      const { PolicyDocument } = await this.iam(roleArn).send(
        new GetRolePolicyCommand({ RoleName: roleNameOf(roleArn), PolicyName: policyName }),
      );
      // IAM returns the document URL-encoded.
      return JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')) as unknown;
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'NoSuchEntityException' || name === 'NoSuchEntity') return null;
      return translateAwsError(error, 'AWS IAM');
    }
  }
}

/**
 * FunctionDirectory on Lambda GetFunction / ListFunctions, in the account that owns the function: verifies that a
 * function (version, alias) exists, and lists an account's functions.
 */
import { GetFunctionCommand, paginateListFunctions, type LambdaClient } from '@aws-sdk/client-lambda';
import type { FunctionDirectory, ResolvedFunction } from '../../domain/ports';
import { unqualifiedArn } from '../../domain/rules/function-ref';
import { accountOf, type ClientIn } from '../aws/account-clients';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';

export class LambdaFunctionDirectory implements FunctionDirectory {
  constructor(private readonly lambdaIn: ClientIn<LambdaClient>) {}

  async resolve(name: string, qualifier: string | null): Promise<ResolvedFunction | null> {
    try {
      const { Configuration } = await this.lambdaIn(accountOf(name)).send(
        new GetFunctionCommand({ FunctionName: name, ...(qualifier ? { Qualifier: qualifier } : {}) }),
      );
      if (!Configuration?.FunctionArn || !Configuration.Role) return null;
      // GetFunction answers with the qualified ARN for a version or alias: keep the function's own.
      return { functionArn: unqualifiedArn(Configuration.FunctionArn), roleArn: Configuration.Role };
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return null;
      return translateAwsError(error, 'AWS Lambda');
    }
  }

  async listArns(accountId: string): Promise<string[]> {
    const arns: string[] = [];
    try {
      for await (const page of paginateListFunctions({ client: this.lambdaIn(accountId) }, {})) {
        for (const fn of page.Functions ?? []) if (fn.FunctionArn) arns.push(unqualifiedArn(fn.FunctionArn));
      }
    } catch (error) {
      return translateAwsError(error, 'AWS Lambda');
    }
    return arns;
  }
}

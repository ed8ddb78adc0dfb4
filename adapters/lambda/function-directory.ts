/** FunctionDirectory on Lambda GetFunction / ListFunctions: verifies that a function (version, alias) exists. */
import { GetFunctionCommand, paginateListFunctions, type LambdaClient } from '@aws-sdk/client-lambda';
import type { FunctionDirectory, ResolvedFunction } from '../../domain/ports';
import { unqualifiedArn } from '../../domain/rules/function-ref';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';

export class LambdaFunctionDirectory implements FunctionDirectory {
  constructor(private readonly lambda: LambdaClient) {}

  async resolve(name: string, qualifier: string | null): Promise<ResolvedFunction | null> {
    try {
      const { Configuration } = await this.lambda.send(
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

  async listArns(_accountId: string): Promise<string[]> {
    const arns: string[] = [];
    try {
      for await (const page of paginateListFunctions({ client: this.lambda }, {})) {
        for (const fn of page.Functions ?? []) if (fn.FunctionArn) arns.push(unqualifiedArn(fn.FunctionArn));
      }
    } catch (error) {
      return translateAwsError(error, 'AWS Lambda');
    }
    return arns;
  }
}

/**
 * FunctionDirectory on Lambda GetFunction / ListFunctions / ListVersionsByFunction / ListAliases, in the account that
 * owns the function: verifies that a function (version, alias) exists, and lists an account's functions and their
 * qualifiers.
 */
import {
  GetFunctionCommand,
  paginateListAliases,
  paginateListFunctions,
  paginateListVersionsByFunction,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { FunctionDirectory, ResolvedFunction } from '../../domain/ports';
import { functionNameOf, unqualifiedArn } from '../../domain/rules/function-ref';
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

  async listQualifiers(functionArn: string): Promise<string[]> {
    const qualifiers: string[] = [];
    // By name, in the function's own account: moto lists no versions for a full ARN.
    const client = this.lambdaIn(accountOf(functionArn));
    const FunctionName = functionNameOf(functionArn);
    try {
      for await (const page of paginateListVersionsByFunction({ client }, { FunctionName })) {
        for (const v of page.Versions ?? []) if (v.Version && v.Version !== '$LATEST') qualifiers.push(v.Version);
      }
      for await (const page of paginateListAliases({ client }, { FunctionName })) {
        for (const a of page.Aliases ?? []) if (a.Name) qualifiers.push(a.Name);
      }
    } catch (error) {
      return translateAwsError(error, 'AWS Lambda');
    }
    return qualifiers;
  }
}

/** Secrets from SSM Parameter Store (SecureString), read together once per cold start. Missing names are absent. */
import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';

export async function readSecureParameters(ssm: SSMClient, names: readonly string[]): Promise<Record<string, string>> {
  if (names.length === 0) return {};
  const { Parameters } = await ssm.send(new GetParametersCommand({ Names: [...names], WithDecryption: true }));
  return Object.fromEntries((Parameters ?? []).map((p) => [p.Name as string, p.Value as string]));
}

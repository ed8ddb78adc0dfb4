/** Who the broker is: its account from STS GetCallerIdentity, asked once per process. */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

export async function brokerAccount(sts: STSClient): Promise<{ accountId: string; partition: string }> {
  const { Account, Arn } = await sts.send(new GetCallerIdentityCommand({}));
  if (!Account || !Arn) throw new Error('STS GetCallerIdentity returned no account');
  return { accountId: Account, partition: Arn.split(':')[1] ?? 'aws' };
}

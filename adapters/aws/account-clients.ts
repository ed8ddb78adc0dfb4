/**
 * The AWS clients that act in each target account (docs/deploy.md, Many accounts (hub and spokes)): the broker's own
 * clients in its own account; in any other, Lambda and IAM clients on the credentials of that account's spoke role,
 * built on first use and kept (their Lambda client on that account's control-plane budget: the builder's job). An
 * account outside BROKER_TARGET_ACCOUNTS gets no client at all. Gateways pick the client by the account in the ARN they
 * act on.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { AccountUnreachableError } from '../../domain/errors';
import type { SourceClients } from '../sources/aws-source-directory';
import { parseArn } from '../../domain/rules/arn';

/** Source proof reads the sources an ask names in their own account (AwsSourceDirectory). */
export interface ClientsInAccount extends SourceClients {
  lambda: LambdaClient;
  iam: IAMClient;
  /** An event source's encryption is read in the source's account (AwsEventSourceKeys). */
  sqs: SQSClient;
  kinesis: KinesisClient;
  kms: KMSClient;
}

/** The client that acts in `account`; null means the broker's own account. */
export type ClientIn<C> = (account: string | null) => C;

/** The account named in an ARN (a function, a role); null for a bare function name, which is the broker's own. */
export function accountOf(nameOrArn: string): string | null {
  return parseArn(nameOrArn)?.account || null;
}

export class AccountClients {
  private readonly spokes = new Map<string, ClientsInAccount>();

  constructor(
    private readonly options: {
      ownAccount: string;
      targetAccounts: readonly string[];
      own: ClientsInAccount;
      /** Builds the clients of another account (on its spoke role's credentials and its budget). */
      spoke: (account: string) => ClientsInAccount;
    },
  ) {}

  readonly lambda: ClientIn<LambdaClient> = (account) => this.in(account).lambda;
  readonly iam: ClientIn<IAMClient> = (account) => this.in(account).iam;
  /** All of an account's clients (an event source's key lookup uses three of them). */
  readonly all: ClientIn<ClientsInAccount> = (account) => this.in(account);

  private in(account: string | null): ClientsInAccount {
    const { ownAccount, targetAccounts, own, spoke } = this.options;
    const id = account ?? ownAccount;
    // Defence in depth: requests are refused for such accounts long before any client is asked for.
    if (!targetAccounts.includes(id)) {
      throw new AccountUnreachableError(id, `account ${id} is not one of the accounts this broker acts in`);
    }
    if (id === ownAccount) return own;
    let clients = this.spokes.get(id);
    if (!clients) this.spokes.set(id, (clients = spoke(id)));
    return clients;
  }
}

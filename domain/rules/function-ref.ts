/**
 * Parses the `functionName` forms Lambda accepts: a name (the broker's own account), a partial or full ARN in any
 * account of the broker's partition and Region. Only the accounts the broker acts in may be named (docs/deploy.md, Many
 * accounts (hub and spokes)).
 */
import { AccountNotTargetedError, ValidationError } from '../errors';
import { ARN_SOURCES } from './arn';

export interface FunctionRef {
  name: string;
  qualifier: string | null;
  /** The unqualified ARN, in the function's account and the broker's Region. */
  functionArn: string;
}

export interface BrokerLocation {
  accountId: string;
  region: string;
  partition: string;
  /** The accounts the broker acts in (BROKER_TARGET_ACCOUNTS). */
  targetAccounts: readonly string[];
}

const NAME = '[A-Za-z0-9_-]{1,64}';
const QUALIFIER = '[A-Za-z0-9$_-]{1,128}';
const PLAIN = new RegExp(`^(${NAME})(?::(${QUALIFIER}))?$`);
const PARTIAL = new RegExp(`^(${ARN_SOURCES.account}):function:(${NAME})(?::(${QUALIFIER}))?$`);
const FULL = new RegExp(
  `^arn:(${ARN_SOURCES.partition}):lambda:([a-z0-9-]+):(${ARN_SOURCES.account}):function:(${NAME})(?::(${QUALIFIER}))?$`,
);
const VALID_QUALIFIER = /^[A-Za-z0-9_-]{1,128}$/;

/** `arn:…:function:name[:qualifier]` → `arn:…:function:name`. */
export function unqualifiedArn(functionArn: string): string {
  return functionArn.split(':').slice(0, 7).join(':');
}

/** `arn:…:function:name[:qualifier]` → `name`. */
export function functionNameOf(functionArn: string): string {
  return functionArn.split(':')[6] ?? functionArn;
}

/** The account that owns a function, from its ARN. */
export function functionAccountOf(functionArn: string): string {
  return functionArn.split(':')[4] ?? '';
}

export function functionArnOf(location: BrokerLocation, accountId: string, name: string): string {
  return `arn:${location.partition}:lambda:${location.region}:${accountId}:function:${name}`;
}

export function parseFunctionRef(
  input: { functionName: string; qualifier?: string | undefined },
  location: BrokerLocation,
): FunctionRef {
  let account = location.accountId;
  let name: string;
  let embedded: string | undefined;
  const full = FULL.exec(input.functionName);
  const partial = full ? null : PARTIAL.exec(input.functionName);
  const plain = full || partial ? null : PLAIN.exec(input.functionName);
  if (full) {
    const [, partition, region] = full;
    if (partition !== location.partition || region !== location.region) {
      throw ValidationError.field(
        'functionName',
        `must be a function in the broker's partition ${location.partition} and Region ${location.region}`,
      );
    }
    account = full[3] as string;
    name = full[4] as string;
    embedded = full[5];
  } else if (partial) {
    account = partial[1] as string;
    name = partial[2] as string;
    embedded = partial[3];
  } else if (plain) {
    name = plain[1] as string;
    embedded = plain[2];
  } else {
    throw ValidationError.field(
      'functionName',
      'must be a function name, a full ARN or a partial ARN (123456789012:function:name), optionally with :qualifier',
    );
  }

  const path = input.qualifier !== undefined ? 'qualifier' : 'functionName';
  if (input.qualifier !== undefined && embedded !== undefined && input.qualifier !== embedded) {
    throw ValidationError.field(
      'qualifier',
      `"${input.qualifier}" disagrees with the qualifier "${embedded}" in functionName`,
    );
  }
  const qualifier = input.qualifier ?? embedded ?? null;
  if (qualifier === '$LATEST') {
    throw ValidationError.field(path, '$LATEST cannot carry a resource policy; name a version or an alias');
  }
  if (qualifier !== null && !VALID_QUALIFIER.test(qualifier)) {
    throw ValidationError.field(path, 'a qualifier is a version number or an alias name ([A-Za-z0-9_-], 1-128)');
  }
  // Checked after the input is known to be well formed, and before any allowlist: no entry can open another account.
  if (!location.targetAccounts.includes(account)) throw new AccountNotTargetedError(account);
  return { name, qualifier, functionArn: functionArnOf(location, account, name) };
}

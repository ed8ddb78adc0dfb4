/**
 * Whether a statement read back from Lambda grants exactly what the broker asked for. Principals are compared by
 * meaning, since they come back in other forms: a raw account id or ARN string (moto), `{AWS: "<account>"}`. An
 * account id means its root in the function's partition (aws, aws-cn, aws-us-gov, …), as Lambda stores it.
 */
import { ACCOUNT_ID, accountRootArn, parseArn } from './arn';
import { canonicalJson } from './canonical-hash';
import type { InvokeStatement } from '../../policies/statement-types';

function principalKey(principal: unknown, partition: string): string {
  if (
    principal === '*' ||
    (typeof principal === 'object' && principal !== null && (principal as { AWS?: unknown }).AWS === '*')
  ) {
    return '*';
  }
  const raw =
    typeof principal === 'string'
      ? principal
      : typeof principal === 'object' && principal !== null
        ? ((principal as { AWS?: unknown; Service?: unknown }).AWS ?? (principal as { Service?: unknown }).Service)
        : undefined;
  if (typeof raw !== 'string') return canonicalJson(principal);
  if (ACCOUNT_ID.test(raw)) return accountRootArn(partition, raw);
  return raw;
}

export function sameStatement(stored: Record<string, unknown>, wanted: InvokeStatement): boolean {
  const partition = parseArn(wanted.Resource)?.partition ?? '';
  return (
    stored.Sid === wanted.Sid &&
    stored.Effect === wanted.Effect &&
    canonicalJson(stored.Action) === canonicalJson(wanted.Action) &&
    stored.Resource === wanted.Resource &&
    principalKey(stored.Principal, partition) === principalKey(wanted.Principal, partition) &&
    canonicalJson(stored.Condition ?? {}) === canonicalJson(wanted.Condition ?? {})
  );
}

/** Classifies a requested principal the way Lambda's AddPermission understands it. */
import { ACCOUNT_ID, IAM_IDENTITY_ARN } from './arn';

export type ClassifiedPrincipal =
  | { kind: 'service'; value: string; service: string }
  | { kind: 'account'; value: string; accountId: string }
  | { kind: 'iam'; value: string; accountId: string }
  | { kind: 'any'; value: '*' };

const SERVICE_PRINCIPAL = /^([a-z0-9][a-z0-9-]*)(\.[a-z0-9-]+)*\.amazonaws\.com$/;

export function classifyPrincipal(value: string): ClassifiedPrincipal | null {
  if (value === '*') return { kind: 'any', value: '*' };
  if (ACCOUNT_ID.test(value)) return { kind: 'account', value, accountId: value };
  const service = SERVICE_PRINCIPAL.exec(value);
  if (service) return { kind: 'service', value, service: service[1] as string };
  const iam = IAM_IDENTITY_ARN.exec(value);
  if (iam) return { kind: 'iam', value, accountId: iam[2] as string };
  return null;
}

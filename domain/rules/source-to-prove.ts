/**
 * The source a grant names, as source proof reads it (docs/policy-preview.md, Source proof): the field it came from,
 * its ARN and the account that owns it. An account principal's grant names no source, and a service the contract
 * does not list (CloudWatch Logs, say) has no reader: nothing to prove.
 */
import type { GrantRequest } from '../model/request';
import { parseArn } from './arn';

export interface SourceToProve {
  field: 'sourceArn' | 'eventSourceArn';
  arn: string;
  /** Null when nothing names it (an S3 bucket's ARN carries no account). */
  account: string | null;
}

/** The services whose sources the broker can read (the ARN's service segment). */
export const PROVABLE_SERVICES: ReadonlySet<string> = new Set([
  'sns',
  'sqs',
  's3',
  'events',
  'kinesis',
  'dynamodb',
  'execute-api',
]);

export function sourceToProve(request: GrantRequest): SourceToProve | null {
  const found = sourceOf(request);
  return found && PROVABLE_SERVICES.has(parseArn(found.arn)?.service ?? '') ? found : null;
}

function sourceOf(request: GrantRequest): SourceToProve | null {
  if (request.kind === 'eventSourceMapping') {
    const arn = request.eventSourceArn;
    return { field: 'eventSourceArn', arn, account: parseArn(arn)?.account || null };
  }
  if (request.sourceArn === null) return null;
  const account = request.sourceAccount ?? (parseArn(request.sourceArn)?.account || null);
  return { field: 'sourceArn', arn: request.sourceArn, account };
}

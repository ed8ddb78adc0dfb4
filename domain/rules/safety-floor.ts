/**
 * The safety floor: rules every grant obeys whatever the allowlist says (docs/api.md, What every grant obeys (the
 * safety floor)). Closes the confused-deputy holes: a service principal always carries a concrete SourceArn of its own
 * service; S3 also carries SourceArn's missing account; a public principal is fenced by an organization. ARN fields
 * hold only characters AWS names can, so no markup reaches Slack.
 */
import { ValidationError, type FieldIssue } from '../errors';
import type { GrantAsk } from '../model/grant-ask';
import type { EventSourceService } from '../../policies/event-source-access';
import { ACCOUNT_ID, PARTITION, REGION, foreignArnCharacter, parseArn, type Arn } from './arn';
import { classifyPrincipal, type ClassifiedPrincipal } from './principal';
import { hasWildcard } from './pattern';

export type CheckedGrant =
  | {
      kind: 'invoke';
      principal: ClassifiedPrincipal;
      /** The account that owns the source, when one can be named (sourceAccount, or the account in sourceArn). */
      sourceOwner: string | null;
    }
  | { kind: 'eventSourceMapping'; service: EventSourceService; eventSourceArn: string; sourceOwner: string };

/** Principal service → the service segment its SourceArn must carry, where the two differ. */
const SOURCE_SERVICE_OF: Readonly<Record<string, string>> = { apigateway: 'execute-api' };

/** Resource shapes for the services named in the contract; others need a resource without wildcards. */
const RESOURCE_RULES: Readonly<Record<string, { pattern: RegExp; expected: string }>> = {
  sns: { pattern: /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/, expected: 'a topic name' },
  events: { pattern: /^rule\/[A-Za-z0-9._\-/]*[A-Za-z0-9._-]$/, expected: 'rule/<name> or rule/<bus>/<name>' },
  'execute-api': {
    pattern: /^[a-z0-9]{1,64}(\/[A-Za-z0-9*._~$\-/{}+]*)?$/,
    expected: 'a concrete API id, then /stage/METHOD/path',
  },
  s3: { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, expected: 'a bucket name' },
  logs: { pattern: /^log-group:[^*?:]+(:\*)?$/, expected: 'log-group:<name>[:*]' },
};

const EVENT_SOURCE_RESOURCES: Readonly<Record<EventSourceService, RegExp>> = {
  sqs: /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/,
  kinesis: /^stream\/[A-Za-z0-9_.-]{1,128}$/,
  dynamodb: /^table\/[A-Za-z0-9_.-]{3,255}\/stream\/[A-Za-z0-9_.:-]+$/,
};
const MAX_BATCH: Readonly<Record<EventSourceService, number>> = { sqs: 10, kinesis: 10000, dynamodb: 10000 };

export interface FloorContext {
  region: string;
}

/** What the floor reads of an ask: the grant itself, not why or for how long. */
export type FloorAsk = Omit<GrantAsk, 'durationSeconds' | 'reason' | 'ticket'>;

/** Throws ValidationError naming every offending field, or returns what the rest of the broker needs. */
export function checkSafetyFloor(ask: FloorAsk, context: FloorContext): CheckedGrant {
  const issues = foreignCharacterIssues(ask);
  if (issues.length === 0) {
    const result = ask.eventSourceArn !== undefined ? checkEventSource(ask, context, issues) : checkInvoke(ask, issues);
    if (issues.length === 0 && result) return result;
  }
  throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

/** A character no AWS name holds is refused before any other rule reads the field (issue #15, finding 5). */
function foreignCharacterIssues(ask: FloorAsk): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const field of ['functionName', 'sourceArn', 'eventSourceArn'] as const) {
    const found = ask[field] === undefined ? null : foreignArnCharacter(ask[field]);
    if (found) issues.push({ path: field, message: `must not contain ${found}: no AWS resource name holds it` });
  }
  return issues;
}

function checkInvoke(ask: FloorAsk, issues: FieldIssue[]): CheckedGrant | null {
  if (ask.batchSize !== undefined) issues.push({ path: 'batchSize', message: 'only applies with eventSourceArn' });
  if (ask.principal === undefined) {
    issues.push({ path: 'principal', message: 'is required unless eventSourceArn is given' });
    return null;
  }
  const principal = classifyPrincipal(ask.principal);
  if (!principal) {
    issues.push({
      path: 'principal',
      message: 'must be a service principal (<name>.amazonaws.com), a 12-digit account id, an IAM role/user ARN, or *',
    });
    return null;
  }

  const sourceArn = ask.sourceArn !== undefined ? parseArn(ask.sourceArn) : null;
  if (ask.sourceArn !== undefined && !sourceArn) issues.push({ path: 'sourceArn', message: 'is not an ARN' });

  if (principal.kind === 'service') {
    if (ask.sourceArn === undefined) {
      issues.push({ path: 'sourceArn', message: `is required for service principal ${principal.value}` });
    } else if (sourceArn) {
      checkServiceSource(principal.service, sourceArn, issues);
    }
    if (principal.service === 's3' && ask.sourceAccount === undefined) {
      issues.push({ path: 'sourceAccount', message: 'is required for s3.amazonaws.com (S3 ARNs carry no account)' });
    }
  } else if (sourceArn) {
    checkConcreteHead(sourceArn, issues);
  }
  if (principal.kind === 'any' && ask.principalOrgId === undefined) {
    issues.push({ path: 'principalOrgId', message: 'is required when principal is *' });
  }
  if (sourceArn && ask.sourceAccount !== undefined && sourceArn.account && sourceArn.account !== ask.sourceAccount) {
    issues.push({
      path: 'sourceAccount',
      message: `must equal the account in sourceArn (${sourceArn.account})`,
    });
  }
  return { kind: 'invoke', principal, sourceOwner: sourceOwnerOf(ask) };
}

/**
 * The account that owns an invoke grant's source, when one can be named: sourceAccount, or the account in sourceArn.
 */
export function sourceOwnerOf(ask: Pick<FloorAsk, 'sourceAccount' | 'sourceArn'>): string | null {
  if (ask.sourceAccount !== undefined) return ask.sourceAccount;
  return (ask.sourceArn === undefined ? null : parseArn(ask.sourceArn)?.account) || null;
}

function checkServiceSource(service: string, arn: Arn, issues: FieldIssue[]): void {
  const expectedService = SOURCE_SERVICE_OF[service] ?? service;
  if (arn.service !== expectedService) {
    issues.push({
      path: 'sourceArn',
      message: `must be an arn:<partition>:${expectedService}:… ARN for ${service}.amazonaws.com`,
    });
    return;
  }
  if (expectedService === 's3') {
    if (arn.region !== '' || arn.account !== '' || !PARTITION.test(arn.partition)) {
      issues.push({ path: 'sourceArn', message: 'an S3 bucket ARN is arn:<partition>:s3:::<bucket>' });
      return;
    }
  } else if (!checkConcreteHead(arn, issues)) {
    return;
  }
  const rule = RESOURCE_RULES[expectedService];
  const ok = rule ? rule.pattern.test(arn.resource) : !hasWildcard(arn.resource);
  if (!ok) {
    issues.push({
      path: 'sourceArn',
      message: `resource must be concrete: ${rule ? rule.expected : 'no wildcards'}`,
    });
  }
}

/** Partition, Region and account must be concrete; reports and returns false otherwise. */
function checkConcreteHead(arn: Arn, issues: FieldIssue[]): boolean {
  if (!PARTITION.test(arn.partition) || !REGION.test(arn.region) || !ACCOUNT_ID.test(arn.account)) {
    issues.push({ path: 'sourceArn', message: 'partition, Region and account must be concrete (no wildcards)' });
    return false;
  }
  if (hasWildcard(arn.service)) {
    issues.push({ path: 'sourceArn', message: 'service must be concrete' });
    return false;
  }
  return true;
}

function checkEventSource(ask: FloorAsk, context: FloorContext, issues: FieldIssue[]): CheckedGrant | null {
  for (const field of ['principal', 'sourceArn', 'sourceAccount', 'principalOrgId'] as const) {
    if (ask[field] !== undefined) issues.push({ path: field, message: 'must be absent when eventSourceArn is given' });
  }
  const eventSourceArn = ask.eventSourceArn ?? '';
  const arn = parseArn(eventSourceArn);
  const service = arn?.service as EventSourceService | undefined;
  if (!arn || !service || !(service in EVENT_SOURCE_RESOURCES)) {
    issues.push({ path: 'eventSourceArn', message: 'must be an SQS queue, Kinesis stream or DynamoDB stream ARN' });
    return null;
  }
  if (
    !PARTITION.test(arn.partition) ||
    !ACCOUNT_ID.test(arn.account) ||
    !EVENT_SOURCE_RESOURCES[service].test(arn.resource)
  ) {
    issues.push({ path: 'eventSourceArn', message: `must be a concrete ${service} ARN without wildcards` });
    return null;
  }
  if (arn.region !== context.region) {
    issues.push({ path: 'eventSourceArn', message: `must be in the broker's Region ${context.region}` });
  }
  if (ask.batchSize !== undefined && ask.batchSize > MAX_BATCH[service]) {
    issues.push({ path: 'batchSize', message: `must be at most ${MAX_BATCH[service]} for ${service}` });
  }
  return { kind: 'eventSourceMapping', service, eventSourceArn, sourceOwner: arn.account };
}

import { ValidationError } from '../../../domain/errors';
import type { GrantAsk } from '../../../domain/model/grant-ask';
import { checkSafetyFloor } from '../../../domain/rules/safety-floor';
import { ACCOUNT, ORG_ID, OTHER_ACCOUNT, PRINCIPAL_CASES, REGION, baseAsk } from '../../support/fixtures';

const context = { region: REGION };

function violations(ask: Partial<GrantAsk>): string[] {
  try {
    checkSafetyFloor({ ...baseAsk, ...ask }, context);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details.map((d) => d.path);
  }
  return [];
}

describe('safety floor', () => {
  it.each(PRINCIPAL_CASES.map((c) => [c.name, c.ask] as const))('accepts %s', (_name, ask) => {
    expect(violations(ask)).toEqual([]);
  });

  it.each<[string, Partial<GrantAsk>, string]>([
    ['a service principal without sourceArn', { principal: 'sns.amazonaws.com' }, 'sourceArn'],
    [
      'S3 without sourceAccount',
      { principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-x' },
      'sourceAccount',
    ],
    [
      'another service’s ARN',
      { principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-topic` },
      'sourceArn',
    ],
    [
      'an EventBridge ARN that is not a rule',
      { principal: 'events.amazonaws.com', sourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` },
      'sourceArn',
    ],
    [
      'a wildcard account',
      { principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:${REGION}:*:orders-topic` },
      'sourceArn',
    ],
    [
      'a wildcard Region',
      { principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:*:${ACCOUNT}:orders-topic` },
      'sourceArn',
    ],
    [
      'a wildcard topic',
      { principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:orders-*` },
      'sourceArn',
    ],
    [
      'a wildcard API id',
      { principal: 'apigateway.amazonaws.com', sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:*/prod/GET/x` },
      'sourceArn',
    ],
    [
      'a wildcard bucket',
      { principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-*', sourceAccount: ACCOUNT },
      'sourceArn',
    ],
    [
      'a log group wildcard',
      { principal: 'logs.amazonaws.com', sourceArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:*` },
      'sourceArn',
    ],
    [
      'a source account that disagrees with the ARN',
      { principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t`, sourceAccount: OTHER_ACCOUNT },
      'sourceAccount',
    ],
    ['* without an org id', { principal: '*' }, 'principalOrgId'],
    ['no principal', {}, 'principal'],
    ['a malformed principal', { principal: 'sns' }, 'principal'],
    ['a wildcard IAM principal', { principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/*` }, 'principal'],
    ['a non-ARN source', { principal: OTHER_ACCOUNT, sourceArn: 'orders-topic' }, 'sourceArn'],
    ['batchSize on an invoke grant', { principal: OTHER_ACCOUNT, batchSize: 5 }, 'batchSize'],
  ])('refuses %s, naming the field', (_name, ask, field) => {
    expect(violations(ask)).toContain(field);
  });

  it('allows stage, method and path wildcards after a concrete API id', () => {
    expect(
      violations({
        principal: 'apigateway.amazonaws.com',
        sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5/*/*/*`,
      }),
    ).toEqual([]);
  });

  it('reports every offending field at once', () => {
    expect(violations({ principal: 's3.amazonaws.com' })).toEqual(['sourceArn', 'sourceAccount']);
  });

  it('names the owning account of the source for the allowlist', () => {
    const s3 = checkSafetyFloor(
      { ...baseAsk, principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::b-1', sourceAccount: OTHER_ACCOUNT },
      context,
    );
    expect(s3.sourceOwner).toBe(OTHER_ACCOUNT);
    const sns = checkSafetyFloor(
      { ...baseAsk, principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:${REGION}:${OTHER_ACCOUNT}:t` },
      context,
    );
    expect(sns.sourceOwner).toBe(OTHER_ACCOUNT);
    expect(checkSafetyFloor({ ...baseAsk, principal: '*', principalOrgId: ORG_ID }, context).sourceOwner).toBeNull();
  });

  describe('event source grants', () => {
    const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:order-queue`;

    it.each([
      queue,
      `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/orders`,
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders/stream/2026-11-26T00:00:00.000`,
    ])('accepts %s', (eventSourceArn) => {
      expect(violations({ eventSourceArn })).toEqual([]);
    });

    it.each<[string, Partial<GrantAsk>, string]>([
      ['a principal', { eventSourceArn: queue, principal: 'sqs.amazonaws.com' }, 'principal'],
      ['a sourceArn', { eventSourceArn: queue, sourceArn: queue }, 'sourceArn'],
      ['an SNS topic', { eventSourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t` }, 'eventSourceArn'],
      ['a wildcard queue', { eventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:order-*` }, 'eventSourceArn'],
      ['another Region', { eventSourceArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:order-queue` }, 'eventSourceArn'],
      ['an SQS batch over 10', { eventSourceArn: queue, batchSize: 11 }, 'batchSize'],
    ])('refuses %s', (_name, ask, field) => {
      expect(violations(ask)).toContain(field);
    });
  });

  describe('finding 5 — Slack text injection: ARN fields refuse characters no AWS resource name holds', () => {
    const api = `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5`;

    it('refuses the attack: a code fence, <!channel> and a link in the sourceArn of an account principal', () => {
      const sourceArn = `${api}/prod/\`\`\`<!channel><https://evil.example|APPROVE-SAFE>`;
      expect(violations({ principal: OTHER_ACCOUNT, sourceArn })).toEqual(['sourceArn']);
    });

    it.each(['`', '<', '>', '|', '"', '\\', ' ', '\t', '\n', '\u0000', '\u007f', '\u0085', '\u00e9', '\u{1F600}'])(
      'refuses %j in sourceArn, eventSourceArn and functionName, naming the field',
      (ch) => {
        const asks: [string, Partial<GrantAsk>][] = [
          ['sourceArn', { principal: OTHER_ACCOUNT, sourceArn: `${api}/prod${ch}x` }],
          ['eventSourceArn', { eventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:order${ch}queue` }],
          ['functionName', { principal: OTHER_ACCOUNT, functionName: `order${ch}processor` }],
        ];
        for (const [field, ask] of asks) expect(violations(ask)).toEqual([field]);
      },
    );

    it('keeps the characters real ARNs use', () => {
      for (const sourceArn of [`${api}/$default/GET/{proxy+}`, `${api}/prod/GET/a+b=c,d.e@f-g_h~i#j:k*`]) {
        expect(violations({ principal: OTHER_ACCOUNT, sourceArn })).toEqual([]);
      }
    });
  });
});

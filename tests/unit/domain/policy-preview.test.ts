/** The policy as it will be: sizes as Lambda counts them, and which existing statements already let the principal in. */
import { previewPolicy } from '../../../domain/rules/policy-preview';
import { resourcePolicyBytes } from '../../../domain/rules/policy-limits';
import { overlapsOf } from '../../../domain/rulebook/statement-overlap';
import { invokeStatement } from '../../../policies/invoke-statement';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:order-processor';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders-topic';
const ROLE = 'arn:aws:iam::111122223333:role/orders-reader';
const at = new Date('2026-12-06T12:00:00Z');

const ours = (principal: string, sourceArn: string | null = null, sourceAccount: string | null = null) =>
  invokeStatement({
    sid: 'lpb-new',
    functionArn: FN,
    qualifier: null,
    principal,
    sourceArn,
    sourceAccount,
    principalOrgId: null,
  });
const theirs = (sid: string, fields: Record<string, unknown>) => ({
  Sid: sid,
  Effect: 'Allow',
  Action: 'lambda:InvokeFunction',
  Resource: FN,
  ...fields,
});

describe('overlaps', () => {
  it.each([
    [
      'the same service with no condition',
      theirs('a', { Principal: { Service: 'sns.amazonaws.com' } }),
      'lets sns.amazonaws.com invoke with no condition',
    ],
    ['everyone', theirs('b', { Principal: '*' }), 'lets everyone (*) invoke with no condition'],
    [
      'a wildcard action',
      theirs('c', { Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:*' }),
      'lets sns.amazonaws.com invoke with no condition',
    ],
    [
      'a SourceArn pattern that covers ours (condition key in any case)',
      theirs('d', {
        Principal: { Service: 'sns.amazonaws.com' },
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:orders-*' } },
      }),
      'lets sns.amazonaws.com invoke under conditions this grant also meets',
    ],
  ])('finds %s', (_name, statement, reason) => {
    expect(overlapsOf([statement], ours('sns.amazonaws.com', TOPIC))).toEqual([{ statementId: statement.Sid, reason }]);
  });

  it.each([
    ['another service', theirs('a', { Principal: { Service: 'events.amazonaws.com' } })],
    ['a Deny', theirs('b', { Principal: '*', Effect: 'Deny' })],
    ['another action', theirs('c', { Principal: '*', Action: 'lambda:GetFunction' })],
    [
      'another topic',
      theirs('d', {
        Principal: { Service: 'sns.amazonaws.com' },
        Condition: { ArnLike: { 'AWS:SourceArn': `${TOPIC}-v2` } },
      }),
    ],
    [
      'a condition the grant does not carry',
      theirs('e', {
        Principal: { Service: 'sns.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' } },
      }),
    ],
    [
      'a condition the broker never writes',
      theirs('f', {
        Principal: { Service: 'sns.amazonaws.com' },
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
      }),
    ],
  ])('does not count %s', (_name, statement) => {
    expect(overlapsOf([statement], ours('sns.amazonaws.com', TOPIC))).toEqual([]);
  });

  it('counts an account for its roles, as AWS stores it and as moto does', () => {
    const root = theirs('root', { Principal: { AWS: 'arn:aws:iam::111122223333:root' } });
    const raw = theirs('raw', { Principal: '111122223333' });
    const other = theirs('other', { Principal: { AWS: 'arn:aws:iam::444455556666:root' } });
    expect(overlapsOf([root, raw, other], ours(ROLE)).map((o) => o.reason)).toEqual([
      `lets all of account 111122223333 (${ROLE} is in it) invoke with no condition`,
      `lets all of account 111122223333 (${ROLE} is in it) invoke with no condition`,
    ]);
  });

  it('matches ArnLike part by part, and never calls a narrower pattern a cover for a wildcard source', () => {
    const api = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/*';
    const mine = ours('apigateway.amazonaws.com', api);
    const apiGw = { Principal: { Service: 'apigateway.amazonaws.com' } };
    const like = (sid: string, arn: string) =>
      theirs(sid, { ...apiGw, Condition: { ArnLike: { 'AWS:SourceArn': arn } } });
    expect(
      overlapsOf(
        [
          like('same', api),
          like('prefix', 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*'),
          like('any-region', 'arn:aws:execute-api:*:123456789012:*'),
          like('narrower', 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/?'),
          like('other-api', 'arn:aws:execute-api:us-east-1:123456789012:zzz/*'),
          // Four parts: ArnLike compares six, so this matches no ARN at all.
          like('short', 'arn:aws:execute-api:*'),
        ],
        mine,
      ).map((o) => o.statementId),
    ).toEqual(['same', 'prefix', 'any-region']);
  });

  it('holds SourceAccount and PrincipalOrgID as equal values, and a list of values as any one of them', () => {
    const bucket = ours('s3.amazonaws.com', 'arn:aws:s3:::orders-uploads', '123456789012');
    const s3 = { Principal: { Service: 's3.amazonaws.com' } };
    const found = overlapsOf(
      [
        theirs('account', { ...s3, Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' } } }),
        theirs('other-account', { ...s3, Condition: { StringEquals: { 'AWS:SourceAccount': '444455556666' } } }),
        theirs('list', {
          ...s3,
          Condition: { ArnLike: { 'AWS:SourceArn': ['arn:aws:s3:::x', 'arn:aws:s3:::orders-*'] } },
        }),
      ],
      bucket,
    );
    expect(found.map((o) => o.statementId)).toEqual(['account', 'list']);
    const org = invokeStatement({
      sid: 'lpb-org',
      functionArn: FN,
      qualifier: null,
      principal: '*',
      sourceArn: null,
      sourceAccount: null,
      principalOrgId: 'o-abc123',
    });
    const orgWide = theirs('org', {
      Principal: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
    });
    const otherOrg = theirs('other-org', {
      Principal: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zzz' } },
    });
    expect(overlapsOf([orgWide, otherOrg], org).map((o) => o.statementId)).toEqual(['org']);
  });

  it('never counts the grant itself', () => {
    const mine = ours('sns.amazonaws.com', TOPIC);
    expect(overlapsOf([mine as unknown as Record<string, unknown>], mine)).toEqual([]);
  });
});

describe('previewPolicy', () => {
  const existing = [theirs('team', { Principal: { Service: 'sns.amazonaws.com' } })];
  const document = JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: existing });

  it('adds the statement and a comma to the policy as GetPolicy returned it', () => {
    const statement = ours('sns.amazonaws.com', TOPIC);
    const preview = previewPolicy(
      { statements: existing, revisionId: 'r1', documentBytes: document.length },
      statement,
      'invoke',
      at,
    );
    expect(preview).toEqual({
      readAt: at.toISOString(),
      policyBytes: document.length,
      policyBytesAfter: resourcePolicyBytes([...existing, statement]),
      limitBytes: 20480,
      statements: 1,
      overlaps: [{ statementId: 'team', reason: 'lets sns.amazonaws.com invoke with no condition' }],
    });
  });

  it('adds nothing for a statement already applied', () => {
    const statement = ours('sns.amazonaws.com', TOPIC);
    const policy = {
      statements: [...existing, statement as unknown as Record<string, unknown>],
      revisionId: 'r',
      documentBytes: 700,
    };
    expect(previewPolicy(policy, statement, 'invoke', at)).toMatchObject({
      policyBytes: 700,
      policyBytesAfter: 700,
      statements: 2,
    });
  });

  it('starts a policy with the wrapper when the function has none', () => {
    const statement = ours(ROLE);
    expect(previewPolicy(null, statement, 'invoke', at)).toMatchObject({
      policyBytes: 0,
      policyBytesAfter: resourcePolicyBytes([statement]),
      statements: 0,
      overlaps: [],
    });
  });

  it('leaves the policy as it is for an event source grant, which adds to the role instead', () => {
    const role = {
      Sid: 'lpb-x',
      Effect: 'Allow' as const,
      Action: ['sqs:ReceiveMessage'],
      Resource: 'arn:aws:sqs:us-east-1:123456789012:q',
    };
    const preview = previewPolicy(
      { statements: existing, revisionId: 'r', documentBytes: 300 },
      role,
      'eventSourceMapping',
      at,
    );
    expect(preview).toMatchObject({ policyBytes: 300, policyBytesAfter: 300, statements: 1, overlaps: [] });
  });
});

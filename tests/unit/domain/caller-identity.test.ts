import { DEFAULT_PERSON_ROLES, callerFromArn } from '../../../domain/rules/caller-identity';

const caller = (arn: string) => callerFromArn(arn, DEFAULT_PERSON_ROLES);

describe('caller identity', () => {
  it('treats an assumed-role session as its role and keeps the session name', () => {
    expect(caller('arn:aws:sts::123456789012:assumed-role/orders-ci/build-42')).toEqual({
      principal: 'arn:aws:iam::123456789012:role/orders-ci',
      session: 'build-42',
    });
  });

  it('keeps a session of a person role as the person it is (API §11.6)', () => {
    const alice = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Approvers_0123abcd/alice@example.com';
    expect(caller(alice)).toEqual({ principal: alice, session: 'alice@example.com' });
    // Other patterns make other roles people, and AWSReservedSSO_* no longer.
    expect(callerFromArn('arn:aws:sts::123456789012:assumed-role/humans-dev/bob', ['humans-*'])).toEqual({
      principal: 'arn:aws:sts::123456789012:assumed-role/humans-dev/bob',
      session: 'bob',
    });
    expect(callerFromArn(alice, ['humans-*'])?.principal).toBe(
      'arn:aws:iam::123456789012:role/AWSReservedSSO_Approvers_0123abcd',
    );
  });

  it.each([
    'arn:aws:iam::123456789012:role/orders-ci',
    'arn:aws:iam::123456789012:user/alice',
    'arn:aws:iam::123456789012:root',
  ])('takes %s as it is', (arn) => expect(caller(arn)).toEqual({ principal: arn, session: null }));

  it.each([
    '',
    '*',
    'slack:U123',
    'arn:aws:iam::123456789012:role/*',
    'arn:aws:sts::123456789012:assumed-role/orders-ci',
    'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_X/*\n',
    'arn:aws:iam::12345:role/x',
    'arn:aws:sns:us-east-1:123456789012:topic',
    'arn:aws:iam::123456789012:role/x\n',
  ])('refuses %j', (arn) => expect(caller(arn)).toBeNull());
});

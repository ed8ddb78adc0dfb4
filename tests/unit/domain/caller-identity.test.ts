import { callerFromArn } from '../../../domain/rules/caller-identity';

describe('caller identity', () => {
  it('treats an assumed-role session as its role and keeps the session name', () => {
    expect(callerFromArn('arn:aws:sts::123456789012:assumed-role/orders-ci/build-42')).toEqual({
      principal: 'arn:aws:iam::123456789012:role/orders-ci',
      session: 'build-42',
    });
  });

  it.each([
    'arn:aws:iam::123456789012:role/orders-ci',
    'arn:aws:iam::123456789012:user/alice',
    'arn:aws:iam::123456789012:root',
  ])('takes %s as it is', (arn) => expect(callerFromArn(arn)).toEqual({ principal: arn, session: null }));

  it.each([
    '',
    '*',
    'slack:U123',
    'arn:aws:iam::123456789012:role/*',
    'arn:aws:sts::123456789012:assumed-role/orders-ci',
    'arn:aws:iam::12345:role/x',
    'arn:aws:sns:us-east-1:123456789012:topic',
    'arn:aws:iam::123456789012:role/x\n',
  ])('refuses %j', (arn) => expect(callerFromArn(arn)).toBeNull());
});

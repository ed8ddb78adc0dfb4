import {
  ACCOUNT_ID,
  ASSUMED_ROLE_ARN,
  IAM_IDENTITY_ARN,
  IAM_OR_STS_ARN_PATTERN,
  IAM_ROLE_OR_USER_ARN,
  PARTITION,
  REGION,
  parseArn,
} from '../../../domain/rules/arn';
import { loadConfig } from '../../../handlers/config';

describe('AWS identifiers', () => {
  it.each([
    [ACCOUNT_ID, '123456789012', true],
    [ACCOUNT_ID, '12345678901', false],
    [ACCOUNT_ID, '12345678901*', false],
    [PARTITION, 'aws', true],
    [PARTITION, 'aws-cn', true],
    [PARTITION, 'aws-us-gov', true],
    [PARTITION, 'aws*', false],
    [PARTITION, 'azure', false],
    [REGION, 'us-east-1', true],
    [REGION, 'us-gov-west-1', true],
    [REGION, 'us-east-*', false],
    [IAM_IDENTITY_ARN, 'arn:aws:iam::123456789012:root', true],
    [IAM_IDENTITY_ARN, 'arn:aws-cn:iam::123456789012:role/path/name', true],
    [IAM_IDENTITY_ARN, 'arn:aws:iam::123456789012:user/alice', true],
    [IAM_IDENTITY_ARN, 'arn:aws:iam::123456789012:group/admins', false],
    [IAM_IDENTITY_ARN, 'arn:aws:iam::*:role/x', false],
    [IAM_ROLE_OR_USER_ARN, 'arn:aws:iam::123456789012:root', false],
    [IAM_ROLE_OR_USER_ARN, 'arn:aws:iam::123456789012:role/a=b', true],
    [ASSUMED_ROLE_ARN, 'arn:aws:sts::123456789012:assumed-role/orders-ci/pipeline', true],
    [ASSUMED_ROLE_ARN, 'arn:aws:sts::123456789012:assumed-role/orders-ci', false],
    [IAM_OR_STS_ARN_PATTERN, 'arn:aws:sts::123456789012:assumed-role/admin/alice', true],
    [IAM_OR_STS_ARN_PATTERN, 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_A_*', true],
    [IAM_OR_STS_ARN_PATTERN, 'arn:aws:iam::*:role/admin', false],
    [IAM_OR_STS_ARN_PATTERN, 'arn:aws:s3:::bucket', false],
  ])('%s accepts %s: %s', (pattern, value, expected) => {
    expect(pattern.test(value)).toBe(expected);
  });

  it('captures partition and account of IAM and STS ARNs', () => {
    expect(IAM_IDENTITY_ARN.exec('arn:aws-cn:iam::123456789012:role/x')?.slice(1, 3)).toEqual([
      'aws-cn',
      '123456789012',
    ]);
    expect(ASSUMED_ROLE_ARN.exec('arn:aws:sts::123456789012:assumed-role/r/s')?.slice(1)).toEqual([
      'aws',
      '123456789012',
      'r',
      's',
    ]);
  });

  it('parses ARNs whose resource holds colons', () => {
    expect(parseArn('arn:aws:logs:us-east-1:123456789012:log-group:app:*')).toEqual({
      partition: 'aws',
      service: 'logs',
      region: 'us-east-1',
      account: '123456789012',
      resource: 'log-group:app:*',
    });
    expect(parseArn('arn:aws:sns:us-east-1:123456789012')).toBeNull();
  });

  it('configuration uses the same rules: Region, admins, Slack links (whose IAM names may hold =)', () => {
    const config = loadConfig({
      AWS_REGION: 'eu-west-1',
      BROKER_ADMINS: 'arn:aws:iam::123456789012:role/admin',
      BROKER_SLACK_USERS: 'U0123ABCD=arn:aws:iam::123456789012:role/a=b',
    });
    expect(config.BROKER_SLACK_USERS).toEqual({ 'slack:U0123ABCD': 'arn:aws:iam::123456789012:role/a=b' });
    expect(() => loadConfig({ AWS_REGION: 'eu-west' })).toThrow(/AWS_REGION/);
    expect(() => loadConfig({ AWS_REGION: 'eu-west-1', BROKER_ADMINS: 'arn:aws:s3:::x' })).toThrow(/BROKER_ADMINS/);
    expect(() =>
      loadConfig({ AWS_REGION: 'eu-west-1', BROKER_SLACK_USERS: 'U0123ABCD=arn:aws:iam::123456789012:root' }),
    ).toThrow(/BROKER_SLACK_USERS/);
  });
});

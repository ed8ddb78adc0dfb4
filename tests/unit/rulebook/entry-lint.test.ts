import { lintAllowlistEntry } from '../../../domain/rulebook/entry-lint';
import { APPROVER, fnArn, openEntry } from '../../support/fixtures';

const lint = (overrides: Parameters<typeof openEntry>[0]) => lintAllowlistEntry(openEntry(overrides));

describe('allowlist lint', () => {
  it('finds nothing to say about a well-scoped entry', () => {
    expect(lint({})).toEqual({ errors: [], warnings: [] });
  });

  it.each([
    ['a bare function name', { functions: ['order-*'] }, 'functions.0'],
    ['a qualified ARN', { functions: [fnArn('order-*'), `${fnArn('order-processor')}:live`] }, 'functions.1'],
    ['another service', { functions: ['arn:aws:sns:us-east-1:123456789012:orders'] }, 'functions.0'],
    ['a short account', { functions: ['arn:aws:lambda:us-east-1:1234:function:x'] }, 'functions.0'],
    ['two approvers for one', { approvers: [APPROVER], requiredApprovals: 2 }, 'requiredApprovals'],
    [
      'the same approver twice',
      { approvers: [APPROVER, APPROVER, 'slack:U0123ABCD'], requiredApprovals: 3 },
      'requiredApprovals',
    ],
  ])('refuses %s, naming %s', (_name, overrides, path) => {
    expect(lint(overrides).errors).toEqual([{ path, message: expect.any(String) }]);
  });

  it.each([
    ['functions across accounts by *', { functions: ['*'] }],
    ['functions in any Region and account', { functions: ['arn:aws:lambda:*:function:order-*'] }],
    [
      'a quorum some pattern may reach',
      { approvers: ['arn:aws:iam::123456789012:role/oncall-*'], requiredApprovals: 3 },
    ],
    ['a quorum of auto-approval', { autoApprove: true, requiredApprovals: 5 }],
    ['no approvers at all (a rule of its own)', { approvers: [], requiredApprovals: 2 }],
  ])('accepts %s', (_name, overrides) => {
    expect(lint(overrides).errors).toEqual([]);
  });

  it.each([
    [
      'principals',
      { principals: ['*'] },
      'principals.0: "*" matches principals in every account, and the public principal *',
    ],
    [
      'principals',
      { principals: ['sns.amazonaws.com', 'arn:aws:iam::*:role/reader'] },
      'principals.1: "arn:aws:iam::*:role/reader" matches principals in every account',
    ],
    [
      'principals',
      { principals: ['????????????'] },
      'principals.0: "????????????" matches principals in every account',
    ],
    ['requesters', { requesters: ['*'] }, 'requesters.0: "*" matches callers in every account'],
    [
      'requesters',
      { requesters: ['arn:aws:sts::*:assumed-role/orders-*'] },
      'requesters.0: "arn:aws:sts::*:assumed-role/orders-*" matches callers in every account',
    ],
    ['functions', { functions: ['*'] }, 'functions.0: "*" matches functions in every account'],
  ])('warns about %s reaching every account: %p', (_field, overrides, warning) => {
    expect(lint(overrides)).toEqual({ errors: [], warnings: [warning] });
  });

  it.each([
    ['one account', { principals: ['arn:aws:iam::987654321098:role/*'] }],
    ['a service', { principals: ['sns.amazonaws.com'] }],
    ['some accounts', { principals: ['98765432109?'] }],
    ['requesters of one account', { requesters: ['arn:aws:iam::123456789012:role/*'] }],
  ])('does not warn about patterns held to %s', (_name, overrides) => {
    expect(lint(overrides).warnings).toEqual([]);
  });

  it('warns when autoApprove meets a requester pattern', () => {
    expect(
      lint({
        autoApprove: true,
        requesters: ['arn:aws:iam::123456789012:role/ci', 'arn:aws:iam::123456789012:role/x-*'],
      }).warnings,
    ).toEqual([
      'requesters.1: autoApprove is on, so every caller matching "arn:aws:iam::123456789012:role/x-*" gets grants without an approval',
    ]);
    expect(lint({ autoApprove: false, requesters: ['arn:aws:iam::123456789012:role/x-*'] }).warnings).toEqual([]);
  });
});

describe('allowlist lint of who is named', () => {
  const SSO = '/aws-reserved/sso.amazonaws.com/';

  it.each([
    ['requesters', 'arn:aws:iam::123456789012:role/AWSReservedSSO_Dev_*'],
    ['approvers', 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Lead_1a2b/*'],
    ['approvers', 'arn:aws:iam::123456789012:role/elsewhere/AWSReservedSSO_Lead_1a2b'],
  ] as const)('warns when %s name an Identity Center role without its path: %s', (field, pattern) => {
    const { warnings } = lint({ [field]: [pattern] });
    expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`^${field}\\.0: .* without its path ${SSO}`)));
  });

  it('warns that a pattern naming a role path costs an IAM read per new caller, and nothing else for it', () => {
    const pattern = `arn:aws:iam::123456789012:role${SSO}AWSReservedSSO_Lead_*`;
    expect(lint({ approvers: [pattern] }).warnings).toEqual([
      `approvers.0: "${pattern}" names a role path: the broker reads each new caller's role with IAM GetRole (cached for 5 minutes) to match it`,
    ]);
    expect(lint({ requesters: ['arn:aws:iam::123456789012:role/payments/*'] }).warnings).toHaveLength(1);
  });

  it('has nothing to say about plain role patterns or Slack users', () => {
    expect(
      lint({ requesters: ['arn:aws:iam::123456789012:role/orders-*'], approvers: [APPROVER, 'slack:U0123ABCD'] }),
    ).toEqual({ errors: [], warnings: [] });
  });
});

import {
  identityOf,
  principalMatches,
  roleOfSession,
  sameIdentity,
  withoutRolePath,
} from '../../../domain/rules/identities';
import { loadConfig } from '../../../handlers/config';

const A = '123456789012';
const SSO_ROLE = `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Approvers_0123abcd`;
const ALICE = `arn:aws:sts::${A}:assumed-role/AWSReservedSSO_Approvers_0123abcd/alice@example.com`;
const BOB = `arn:aws:sts::${A}:assumed-role/AWSReservedSSO_Approvers_0123abcd/bob@example.com`;
const CI = `arn:aws:iam::${A}:role/orders-ci`;

describe('identities (API §11.6)', () => {
  it('drops role paths, from ARNs and patterns alike', () => {
    expect(withoutRolePath(SSO_ROLE)).toBe(`arn:aws:iam::${A}:role/AWSReservedSSO_Approvers_0123abcd`);
    expect(withoutRolePath(`arn:aws:iam::${A}:role/ci/orders-*`)).toBe(`arn:aws:iam::${A}:role/orders-*`);
    expect(withoutRolePath(CI)).toBe(CI);
    for (const unchanged of [ALICE, `arn:aws:iam::${A}:user/division/alice`, 'slack:U0123ABCD', '*']) {
      expect(withoutRolePath(unchanged)).toBe(unchanged);
    }
  });

  it("knows a person's role", () => {
    expect(roleOfSession(ALICE)).toBe(`arn:aws:iam::${A}:role/AWSReservedSSO_Approvers_0123abcd`);
    expect(roleOfSession(CI)).toBeNull();
  });

  it('matches a person by its assumed-role ARN or by its role ARN, paths ignored on both sides', () => {
    expect(principalMatches([ALICE], ALICE)).toBe(true);
    expect(principalMatches([ALICE], BOB)).toBe(false);
    expect(principalMatches([SSO_ROLE], ALICE)).toBe(true);
    expect(
      principalMatches([`arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Approvers_*`], BOB),
    ).toBe(true);
    expect(principalMatches([`arn:aws:sts::${A}:assumed-role/AWSReservedSSO_Approvers_*/alice@*`], ALICE)).toBe(true);
    expect(principalMatches([`arn:aws:sts::${A}:assumed-role/AWSReservedSSO_Approvers_*/alice@*`], BOB)).toBe(false);
    expect(principalMatches([`arn:aws:iam::${A}:role/ci/orders-ci`], CI)).toBe(true);
    expect(principalMatches([`arn:aws:iam::${A}:role/orders-*`], `arn:aws:iam::${A}:role/ci/orders-ci`)).toBe(true);
    expect(principalMatches([`arn:aws:iam::${A}:role/other`], ALICE)).toBe(false);
    expect(principalMatches([], ALICE)).toBe(false);
  });

  it('resolves linked Slack users, and counts a role and its sessions as one identity', () => {
    const links = { 'slack:U0APPR': `arn:aws:iam::${A}:role/ci/platform-approver`, 'slack:U0ALICE': ALICE };
    expect(identityOf('slack:U0APPR', links)).toBe(`arn:aws:iam::${A}:role/platform-approver`);
    expect(identityOf('slack:U0OTHER', links)).toBe('slack:U0OTHER');
    expect(sameIdentity('slack:U0APPR', `arn:aws:iam::${A}:role/platform-approver`, links)).toBe(true);
    expect(sameIdentity('slack:U0ALICE', ALICE, links)).toBe(true);
    expect(sameIdentity('slack:U0ALICE', BOB, links)).toBe(false);
    expect(sameIdentity(ALICE, BOB, {})).toBe(false);
    // A role cannot tell which of its people it is: it is each of them.
    expect(sameIdentity(withoutRolePath(SSO_ROLE), ALICE, {})).toBe(true);
    expect(sameIdentity(ALICE, SSO_ROLE, {})).toBe(true);
    expect(sameIdentity(CI, `arn:aws:iam::${A}:role/other`, {})).toBe(false);
  });
});

describe('person configuration (API §11.8)', () => {
  const load = (env: Record<string, string>) => loadConfig({ AWS_REGION: 'us-east-1', ...env });

  it('makes IAM Identity Center sessions people by default, or the role names BROKER_PERSON_ROLES gives', () => {
    expect(load({}).BROKER_PERSON_ROLES).toEqual(['AWSReservedSSO_*']);
    expect(load({ BROKER_PERSON_ROLES: 'AWSReservedSSO_*, humans-?? ' }).BROKER_PERSON_ROLES).toEqual([
      'AWSReservedSSO_*',
      'humans-??',
    ]);
    expect(() => load({ BROKER_PERSON_ROLES: 'role/humans' })).toThrow(/BROKER_PERSON_ROLES/);
  });

  it('links Slack users to a person, but not to a session that is no person', () => {
    expect(load({ BROKER_SLACK_USERS: `U0ALICE=${ALICE}` }).BROKER_SLACK_USERS).toEqual({ 'slack:U0ALICE': ALICE });
    expect(() => load({ BROKER_SLACK_USERS: `U0CI=arn:aws:sts::${A}:assumed-role/orders-ci/build-1` })).toThrow(
      /BROKER_SLACK_USERS: U0CI is linked to a session of orders-ci/,
    );
  });
});

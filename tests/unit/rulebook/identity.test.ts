import {
  DEFAULT_PERSON_ROLES,
  identityFromArn,
  identityOf,
  identityOfSlackUser,
  type IdentityRules,
} from '../../../domain/rulebook/identity';
import { loadConfig } from '../../../handlers/config';

const A = '123456789012';
const B = '444455556666';
const DEV = 'AWSReservedSSO_Dev_0123abcd';
const LEAD = 'AWSReservedSSO_Lead_4567ef01';
const session = (role: string, name: string, account = A) => `arn:aws:sts::${account}:assumed-role/${role}/${name}`;
const rules: IdentityRules = { personRoles: DEFAULT_PERSON_ROLES, identityLinks: {} };
const from = (arn: string) => identityFromArn(arn, rules);

describe('who is calling', () => {
  it('makes a session of a non-person role its role, keeping the session name for the audit trail', () => {
    expect(from(session('orders-ci', 'build-42'))).toEqual({
      arn: `arn:aws:iam::${A}:role/orders-ci`,
      person: `arn:aws:iam::${A}:role/orders-ci`,
      session: 'build-42',
      role: { partition: 'aws', account: A, name: 'orders-ci', path: null },
      user: null,
      slack: null,
    });
  });

  it('makes a session of an Identity Center role a person: its session name, in lower case', () => {
    const alice = session(DEV, 'Alice@Example.com');
    expect(from(alice)).toMatchObject({ arn: alice, person: 'alice@example.com', session: 'Alice@Example.com' });
  });

  it('counts one user under any permission set, in any account, spelled in any case, as one person', () => {
    const spellings = [
      session(DEV, 'alice@example.com'),
      session(LEAD, 'alice@example.com'),
      session(LEAD, 'ALICE@example.com', B),
    ];
    expect(new Set(spellings.map((arn) => from(arn)?.person))).toEqual(new Set(['alice@example.com']));
    expect(from(session(LEAD, 'bob@example.com'))?.person).toBe('bob@example.com');
  });

  it('makes other roles people when BROKER_PERSON_ROLES says so, and Identity Center roles no longer', () => {
    const humans = { personRoles: ['humans-*'] };
    expect(identityFromArn(session('humans-dev', 'Bob'), humans)?.person).toBe('bob');
    expect(identityFromArn(session(DEV, 'alice'), humans)?.person).toBe(`arn:aws:iam::${A}:role/${DEV}`);
  });

  it('knows a role path when the ARN carries one, and not otherwise', () => {
    expect(from(`arn:aws:iam::${A}:role/payments/ci`)?.role).toEqual({
      partition: 'aws',
      account: A,
      name: 'ci',
      path: '/payments/',
    });
    expect(from(`arn:aws:iam::${A}:role/payments/ci`)?.person).toBe(`arn:aws:iam::${A}:role/ci`);
    expect(from(`arn:aws:iam::${A}:role/ci`)?.role?.path).toBeNull();
  });

  it.each([`arn:aws:iam::${A}:user/division/alice`, `arn:aws:iam::${A}:root`])('takes %s as it is', (arn) =>
    expect(from(arn)).toMatchObject({ arn, person: arn, role: null, user: arn }),
  );

  it.each([
    '',
    '*',
    'slack:U123',
    `arn:aws:iam::${A}:role/*`,
    `arn:aws:sts::${A}:assumed-role/orders-ci`,
    `arn:aws:sts::${A}:assumed-role/AWSReservedSSO_X/*\n`,
    'arn:aws:iam::12345:role/x',
    `arn:aws:sns:us-east-1:${A}:topic`,
    `arn:aws:iam::${A}:role/x\n`,
  ])('refuses %j', (arn) => expect(from(arn)).toBeNull());

  it('counts a linked Slack user as the person or role it is linked to, and an unlinked one as itself', () => {
    const linked: IdentityRules = {
      personRoles: DEFAULT_PERSON_ROLES,
      identityLinks: {
        'slack:U0ALICE': 'person:Alice@Example.com',
        'slack:U0OLD': session(DEV, 'carol@example.com'),
        'slack:U0CI': `arn:aws:iam::${A}:role/ci/platform-approver`,
      },
    };
    expect(identityOfSlackUser('U0ALICE', linked)).toEqual({
      arn: 'slack:U0ALICE',
      person: 'alice@example.com',
      session: null,
      role: null,
      user: null,
      slack: 'slack:U0ALICE',
    });
    expect(identityOfSlackUser('U0OLD', linked).person).toBe('carol@example.com');
    expect(identityOfSlackUser('U0CI', linked).person).toBe(`arn:aws:iam::${A}:role/platform-approver`);
    expect(identityOfSlackUser('U0NOBODY', linked).person).toBe('slack:U0NOBODY');
    expect(identityOf('slack:U0ALICE', linked).person).toBe('alice@example.com');
  });
});

describe('person configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ AWS_REGION: 'us-east-1', ...env });
  const ALICE = session(DEV, 'alice@example.com');

  it('makes IAM Identity Center sessions people by default, or the role names BROKER_PERSON_ROLES gives', () => {
    expect(load({}).BROKER_PERSON_ROLES).toEqual(['AWSReservedSSO_*']);
    expect(load({ BROKER_PERSON_ROLES: 'AWSReservedSSO_*, humans-?? ' }).BROKER_PERSON_ROLES).toEqual([
      'AWSReservedSSO_*',
      'humans-??',
    ]);
    expect(() => load({ BROKER_PERSON_ROLES: 'role/humans' })).toThrow(/BROKER_PERSON_ROLES/);
  });

  it('links Slack users to a person by username or session, or to a role that is no person', () => {
    expect(
      load({ BROKER_SLACK_USERS: `U0ALICE=person:alice@example.com,U0OLD=${ALICE},U0CI=arn:aws:iam::${A}:role/ci` })
        .BROKER_SLACK_USERS,
    ).toEqual({
      'slack:U0ALICE': 'person:alice@example.com',
      'slack:U0OLD': ALICE,
      'slack:U0CI': `arn:aws:iam::${A}:role/ci`,
    });
  });

  it.each([
    [`U0CI=arn:aws:sts::${A}:assumed-role/orders-ci/build-1`, /U0CI is linked to a session of orders-ci/],
    [`U0SET=arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/${LEAD}`, /U0SET is linked to the role .*person:/],
    ['U0BAD=person:alice/eve', /U0BAD=person:alice\/eve" is not/],
  ])('refuses the link %s', (value, message) => expect(() => load({ BROKER_SLACK_USERS: value })).toThrow(message));
});

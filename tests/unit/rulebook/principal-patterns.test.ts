import { DEFAULT_PERSON_ROLES, identityFromArn, type Identity } from '../../../domain/rulebook/identity';
import { namedByAny, needsRolePath } from '../../../domain/rulebook/principal-patterns';
import { makeResolveIdentity } from '../../../domain/rulebook/resolve-identity';
import { InMemoryRoleDirectory } from '../../support/in-memory';

const A = '123456789012';
const SSO = '/aws-reserved/sso.amazonaws.com/';
const LEAD = 'AWSReservedSSO_Lead_4567ef01';
const identity = (arn: string) => identityFromArn(arn, { personRoles: DEFAULT_PERSON_ROLES }) as Identity;
const withPath = (arn: string, path: string | null): Identity => {
  const who = identity(arn);
  return { ...who, role: who.role && { ...who.role, path } };
};
const INTERN = `arn:aws:sts::${A}:assumed-role/intern/s1`;
const PAYMENTS_CI = `arn:aws:sts::${A}:assumed-role/ci/s2`;
const ALICE = `arn:aws:sts::${A}:assumed-role/${LEAD}/alice@example.com`;

describe('which patterns name a caller', () => {
  it('matches a pattern that names a role path only against the role path IAM holds', () => {
    const payments = [`arn:aws:iam::${A}:role/payments/*`];
    expect(namedByAny(payments, withPath(PAYMENTS_CI, '/payments/'))).toBe(true);
    expect(namedByAny(payments, withPath(PAYMENTS_CI, '/payments/team/'))).toBe(true);
    expect(namedByAny(payments, withPath(INTERN, '/interns/'))).toBe(false);
    expect(namedByAny(payments, withPath(INTERN, '/'))).toBe(false);
  });

  it('never matches a path-naming pattern while the path is unknown or unreadable', () => {
    expect(namedByAny([`arn:aws:iam::${A}:role/payments/*`], withPath(PAYMENTS_CI, null))).toBe(false);
    expect(namedByAny([`arn:aws:iam::${A}:role/*/*`], withPath(PAYMENTS_CI, null))).toBe(false);
  });

  it('matches a pattern without a path against the role name in any path', () => {
    const ci = [`arn:aws:iam::${A}:role/c*`];
    for (const path of [null, '/', '/payments/']) expect(namedByAny(ci, withPath(PAYMENTS_CI, path))).toBe(true);
    expect(namedByAny(ci, withPath(INTERN, '/'))).toBe(false);
  });

  it('matches a person by its session ARN, or by its permission set role with the Identity Center path', () => {
    expect(namedByAny([`arn:aws:sts::${A}:assumed-role/${LEAD}/alice@*`], identity(ALICE))).toBe(true);
    expect(namedByAny([`arn:aws:sts::${A}:assumed-role/${LEAD}/bob@*`], identity(ALICE))).toBe(false);
    const sso = [`arn:aws:iam::${A}:role${SSO}AWSReservedSSO_Lead_*`];
    expect(namedByAny(sso, withPath(ALICE, SSO))).toBe(true);
    // A role named like a permission set but made by someone else has another path.
    expect(namedByAny(sso, withPath(ALICE, '/'))).toBe(false);
  });

  it('matches Slack users by slack: patterns and users by their ARN', () => {
    const slack: Identity = {
      arn: 'slack:U1',
      person: 'slack:U1',
      session: null,
      role: null,
      user: null,
      slack: 'slack:U1',
    };
    expect(namedByAny(['slack:U1'], slack)).toBe(true);
    expect(namedByAny([`arn:aws:iam::${A}:role/*`], slack)).toBe(false);
    const user = identity(`arn:aws:iam::${A}:user/division/dave`);
    expect(namedByAny([`arn:aws:iam::${A}:user/division/*`], user)).toBe(true);
    expect(namedByAny([`arn:aws:iam::${A}:user/dave`], user)).toBe(false);
    expect(namedByAny([], user)).toBe(false);
  });

  it('reads the role path only for a pattern that names one and may name a role of that account', () => {
    const ci = identity(PAYMENTS_CI);
    expect(needsRolePath([`arn:aws:iam::${A}:role/c*`], ci)).toBe(false);
    expect(needsRolePath([`arn:aws:iam::${A}:role/payments/*`], ci)).toBe(true);
    expect(needsRolePath([`arn:aws:iam::444455556666:role/payments/*`], ci)).toBe(false);
    expect(needsRolePath([`arn:aws:sts::${A}:assumed-role/ci/*`], ci)).toBe(false);
    expect(needsRolePath([`arn:aws:iam::*:role/payments/*`], ci)).toBe(true);
    expect(needsRolePath(['slack:U1/x/y'], ci)).toBe(false);
    expect(needsRolePath([`arn:aws:iam::${A}:role/payments/*`], withPath(PAYMENTS_CI, '/payments/'))).toBe(false);
  });

  it('resolves the path through the role directory only when needed', async () => {
    const roles = new InMemoryRoleDirectory();
    roles.put(`arn:aws:iam::${A}:role/payments/ci`);
    const resolve = makeResolveIdentity(roles);
    expect((await resolve(identity(PAYMENTS_CI), [`arn:aws:iam::${A}:role/ci`])).role?.path).toBeNull();
    expect(roles.reads).toEqual([]);
    const resolved = await resolve(identity(PAYMENTS_CI), [`arn:aws:iam::${A}:role/payments/*`]);
    expect(resolved.role?.path).toBe('/payments/');
    expect(roles.reads).toEqual([`arn:aws:iam::${A}:role/ci`]);
    expect((await resolve(identity(INTERN), [`arn:aws:iam::${A}:role/payments/*`])).role?.path).toBeNull();
  });
});

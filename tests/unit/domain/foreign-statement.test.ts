import type { AllowlistEntry } from '../../../domain/model/allowlist-entry';
import { assessStatement } from '../../../domain/rules/foreign-statement';
import { readStatement } from '../../../domain/rules/statement-reading';
import {
  ACCOUNT,
  OTHER_ACCOUNT,
  PRINCIPAL_CASES,
  fnArn,
  openEntry,
  orgWideEntry,
  settings,
} from '../../support/fixtures';

const FN = fnArn('order-processor');
const owner = { functionArn: FN, qualifier: null };
const stored = (principal: unknown, condition?: unknown, extra: Record<string, unknown> = {}) => ({
  Sid: 'team-grant',
  Effect: 'Allow',
  Principal: principal,
  Action: 'lambda:InvokeFunction',
  Resource: FN,
  ...(condition === undefined ? {} : { Condition: condition }),
  ...extra,
});
const entry = (id: string, overrides: Parameters<typeof openEntry>[0] = {}): AllowlistEntry => ({
  id,
  ...openEntry(overrides),
  version: 1,
  updatedAt: '2026-11-26T12:00:00.000Z',
  updatedBy: 'admin',
});

describe('reading a stored statement back into an ask', () => {
  it.each(PRINCIPAL_CASES.map((c) => [c.name, c] as const))('reads %s as AWS stores it', (_name, c) => {
    expect(readStatement(stored(c.principal, c.condition), owner)).toEqual({ ask: c.ask, issues: [] });
  });

  it.each([
    ['an account id', OTHER_ACCOUNT, { principal: OTHER_ACCOUNT }],
    ['a role ARN', `arn:aws:iam::${OTHER_ACCOUNT}:role/r`, { principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/r` }],
  ])('reads %s as moto stores it (a raw string)', (_name, principal, ask) => {
    expect(readStatement(stored(principal), owner)).toEqual({ ask, issues: [] });
  });

  it('reads a qualified grant against its qualifier', () => {
    const live = { functionArn: FN, qualifier: 'live' };
    const statement = { ...stored({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }), Resource: `${FN}:live` };
    expect(readStatement(statement, live)).toEqual({ ask: { principal: OTHER_ACCOUNT }, issues: [] });
    expect(readStatement(statement, owner).issues).toEqual([{ path: 'statement.Resource', message: `must be ${FN}` }]);
  });

  it.each([
    ['a Deny', stored({ Service: 'sns.amazonaws.com' }, undefined, { Effect: 'Deny' }), 'statement.Effect'],
    ['a function URL grant', stored('*', undefined, { Action: 'lambda:InvokeFunctionUrl' }), 'statement.Action'],
    ['an action list', stored('*', undefined, { Action: ['lambda:InvokeFunction'] }), 'statement.Action'],
    [
      "moto's top-level FunctionUrlAuthType",
      stored('*', undefined, { FunctionUrlAuthType: 'NONE' }),
      'statement.FunctionUrlAuthType',
    ],
    [
      'a function URL condition',
      stored('*', { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }),
      'statement.Condition.StringEquals.lambda:FunctionUrlAuthType',
    ],
    [
      'an operator Lambda never writes',
      stored({ Service: 'sns.amazonaws.com' }, { ArnEquals: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:1:t' } }),
      'statement.Condition.ArnEquals.AWS:SourceArn',
    ],
    [
      'a condition value list',
      stored('*', { StringEquals: { 'aws:PrincipalOrgID': ['o-a', 'o-b'] } }),
      'statement.Condition.StringEquals.aws:PrincipalOrgID',
    ],
    ['a condition that is not an object', stored('*', 'x'), 'statement.Condition'],
    ['a deleted role', stored({ AWS: 'AROAEXAMPLEID1234567' }), 'statement.Principal'],
    ['two principals', stored({ AWS: [`arn:aws:iam::${OTHER_ACCOUNT}:root`, '111111111111'] }), 'statement.Principal'],
    ['a federated principal', stored({ Federated: 'cognito-identity.amazonaws.com' }), 'statement.Principal'],
    ['two kinds of principal', stored({ Service: 'sns.amazonaws.com', AWS: '*' }), 'statement.Principal'],
    // Lambda stores an account principal of another partition as that partition's root; the broker writes aws's.
    ['another partition', stored({ AWS: `arn:aws-cn:iam::${OTHER_ACCOUNT}:root` }), 'statement'],
    ['no Sid', { ...stored('*'), Sid: undefined }, 'statement'],
  ])('refuses to guess at %s', (_name, statement, path) => {
    const reading = readStatement(statement, owner);
    expect(reading.ask).toBeNull();
    expect(reading.issues.map((i) => i.path)).toEqual([path]);
  });
});

describe('assessing a foreign statement', () => {
  const entries = [entry('orders'), entry('org-wide', orgWideEntry())];

  it.each(PRINCIPAL_CASES.map((c) => [c.name, c] as const))('finds %s within the floor and permitted', (name, c) => {
    expect(assessStatement(stored(c.principal, c.condition), owner, entries, settings)).toEqual({
      ask: c.ask,
      floorViolations: [],
      checked: expect.objectContaining({
        kind: 'invoke',
        principal: expect.objectContaining({ value: c.ask.principal }),
      }),
      permittedBy: name === '* with an org id' ? 'org-wide' : 'orders',
    });
  });

  it.each([
    ['a service principal without SourceArn', stored({ Service: 'sns.amazonaws.com' }), ['sourceArn']],
    [
      'S3 without SourceAccount',
      stored({ Service: 's3.amazonaws.com' }, { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::orders-uploads' } }),
      ['sourceAccount'],
    ],
    ['the public principal without an organization', stored('*'), ['principalOrgId']],
    [
      'a source of another service',
      stored({ Service: 'sns.amazonaws.com' }, { ArnLike: { 'AWS:SourceArn': `arn:aws:sqs:us-east-1:${ACCOUNT}:q` } }),
      ['sourceArn'],
    ],
  ])('lists the floor violations of %s', (_name, statement, paths) => {
    expect(assessStatement(statement, owner, entries, settings).floorViolations.map((v) => v.path)).toEqual(paths);
  });

  it('reports what it cannot read as violations, permitted by nobody', () => {
    expect(assessStatement(stored({ AWS: 'AROAEXAMPLEID1234567' }), owner, entries, settings)).toEqual({
      ask: null,
      floorViolations: [{ path: 'statement.Principal', message: expect.stringContaining('deleted role') }],
      checked: null,
      permittedBy: null,
    });
  });

  it('finds the permitting entry on the grant alone: not who asks, nor for how long', () => {
    const sns = PRINCIPAL_CASES[2];
    const teamOnly = [
      entry('b-team', { requesters: ['arn:aws:iam::123456789012:role/someone-else'], maxDurationSeconds: 300 }),
    ];
    expect(assessStatement(stored(sns.principal, sns.condition), owner, teamOnly, settings).permittedBy).toBe('b-team');
    const first = [entry('z-last'), entry('a-first')];
    expect(assessStatement(stored(sns.principal, sns.condition), owner, first, settings).permittedBy).toBe('a-first');
  });

  it.each([
    ['another function', { functionArn: fnArn('billing'), qualifier: null }, PRINCIPAL_CASES[2]],
    [
      'a principal no entry lists',
      owner,
      {
        principal: { Service: 'iot.amazonaws.com' },
        condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:iot:us-east-1:${ACCOUNT}:rule/r` } },
      },
    ],
    [
      'a source in another account',
      owner,
      {
        principal: { Service: 'sns.amazonaws.com' },
        condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:sns:us-east-1:${OTHER_ACCOUNT}:orders-topic` } },
      },
    ],
  ])('finds no entry for %s', (_name, where, c) => {
    const statement = { ...stored(c.principal, c.condition), Resource: where.functionArn };
    expect(assessStatement(statement, where, entries, settings).permittedBy).toBeNull();
  });
});

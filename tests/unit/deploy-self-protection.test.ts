/**
 * The broker cannot widen itself, nor another stage of itself: every role allowed an IAM role write, a Lambda
 * permission change or an event source mapping change also carries explicit denies for every broker stage's roles
 * (lpb-*) and functions (lambda-permission-broker-*) in the account (deploy/self-protection.js).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { readFileSync } from 'node:fs';
import path from 'node:path';
interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: unknown[];
  Condition?: Record<string, Record<string, unknown>>;
}
interface DeployedFunction {
  iamRoleStatementsName: string;
  iamRoleStatements: Statement[];
}
const functions = require('../../deploy/functions.js') as Record<string, DeployedFunction>;
const { GUARDED_ACTIONS } = require('../../deploy/self-protection.js') as { GUARDED_ACTIONS: Set<string> };

const OWN_ROLES = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/lpb-*';
const OWN_FUNCTIONS = 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:${self:service}-*';

const subs = (values: unknown[]) => values.map((v) => (v as { 'Fn::Sub'?: string })['Fn::Sub'] ?? v);
const allowed = (fn: string) =>
  functions[fn]!.iamRoleStatements.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);
const denies = (fn: string) => functions[fn]!.iamRoleStatements.filter((s) => s.Effect === 'Deny');

/** Where a Deny statement applies: its resources, or the function named by its lambda:FunctionArn condition. */
const deniedOn = (s: Statement) =>
  s.Condition?.ArnLike?.['lambda:FunctionArn'] ? subs([s.Condition.ArnLike['lambda:FunctionArn']]) : subs(s.Resource);

const guardedHolders = Object.keys(functions).filter((fn) => allowed(fn).some((a) => GUARDED_ACTIONS.has(a)));

it('guards the roles that change policies, permissions or mappings, and only those', () => {
  expect(guardedHolders.sort()).toEqual(['admin', 'decisions', 'reconcile', 'requests', 'sweep', 'work']);
  // Source proof carries a Deny of its own (an API's stages, integrations and exports): not self-protection.
  const selfProtecting = (fn: string) => denies(fn).filter((s) => !s.Action.every((a) => a === 'apigateway:GET'));
  for (const fn of Object.keys(functions).filter((f) => !guardedHolders.includes(f)))
    expect({ fn, denies: selfProtecting(fn) }).toEqual({ fn, denies: [] });
});

describe.each(guardedHolders)('%s', (fn) => {
  it('denies each guarded action it is allowed on the stack’s own roles or functions', () => {
    for (const action of allowed(fn).filter((a) => GUARDED_ACTIONS.has(a))) {
      const covering = denies(fn).filter((s) => s.Action.includes(action));
      expect({ action, on: covering.flatMap(deniedOn) }).toEqual({
        action,
        on: [action.startsWith('iam:') ? OWN_ROLES : OWN_FUNCTIONS],
      });
    }
  });

  it('denies all of IAM’s role-widening writes on its own roles, not only the ones it holds', () => {
    const roleDenies = denies(fn).filter((s) => subs(s.Resource).includes(OWN_ROLES));
    expect(roleDenies.flatMap((s) => s.Action)).toEqual(
      expect.arrayContaining(['iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy']),
    );
  });
});

it('names every role with the prefix the role deny covers, whatever the stage', () => {
  const serverless = readFileSync(path.join(__dirname, '../../serverless.yml'), 'utf8');
  expect(serverless).toMatch(/^ {2}rolePrefix: lpb-\$\{sls:stage\}-/m);
  for (const [fn, spec] of Object.entries(functions)) {
    expect(spec.iamRoleStatementsName).toBe(`\${self:custom.rolePrefix}-${fn}`);
  }
});

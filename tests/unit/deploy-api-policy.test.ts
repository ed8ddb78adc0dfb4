/**
 * Callers from the whole organization (deploy/api-policy.js): the REST API's resource policy lets in the organization
 * (orgId), or the accounts named (callerAccounts, else the target accounts, and always the broker's own), keeps the
 * routes without IAM authorization open, and the stage parameters behind it are checked at package time, as is the
 * stage name's length.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export {};
type Statement = { Effect: string; Principal: string; Action: string; Resource: unknown; Condition?: unknown };
const { stageOptions } = require('../../deploy/stage-options.js') as {
  stageOptions: (
    resolve: (name: string) => Promise<unknown>,
  ) => Promise<{ orgId: string | null; callerAccounts: string[] }>;
};
const { apiPolicy } = require('../../deploy/api-policy.js') as {
  apiPolicy: (options: { orgId: string | null; callerAccounts: string[] }) => Statement[];
};

const DEFAULTS: Record<string, string> = {
  'param:reservedConcurrency': '1',
  'sls:stage': 'prod',
  'self:service': 'lambda-permission-broker',
};
const resolveWith = (params: Record<string, string>) => (name: string) =>
  Promise.resolve(
    { ...DEFAULTS, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`param:${k}`, v])) }[name],
  );
const policyFor = async (params: Record<string, string>) => apiPolicy(await stageOptions(resolveWith(params)));

it('keeps health, the OpenAPI document and Slack open to all, their own checks deciding', async () => {
  const [open] = await policyFor({});
  expect(open).toEqual({
    Effect: 'Allow',
    Principal: '*',
    Action: 'execute-api:Invoke',
    Resource: [
      'execute-api:/*/GET/v1/health',
      'execute-api:/*/GET/v1/openapi.json',
      'execute-api:/*/POST/v1/slack/interactions',
      'execute-api:/*/POST/v1/slack/commands',
    ],
  });
});

it('lets in every principal of the organization', async () => {
  const [, callers] = await policyFor({ orgId: 'o-abcdefghij' });
  expect(callers).toEqual({
    Effect: 'Allow',
    Principal: '*',
    Action: 'execute-api:Invoke',
    Resource: 'execute-api:/*',
    Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
  });
});

it('without an organization, the accounts named, else the target accounts, else the broker’s own', async () => {
  const accountsOf = async (params: Record<string, string>) =>
    ((await policyFor(params))[1]!.Condition as { StringEquals: Record<string, unknown> }).StringEquals[
      'aws:PrincipalAccount'
    ];
  await expect(accountsOf({ callerAccounts: '111122223333, 444455556666' })).resolves.toEqual([
    '111122223333',
    '444455556666',
  ]);
  await expect(accountsOf({ targetAccounts: '111122223333,777788889999' })).resolves.toEqual([
    '111122223333',
    '777788889999',
  ]);
  await expect(accountsOf({})).resolves.toEqual([{ Ref: 'AWS::AccountId' }]);
});

it.each([
  [{ orgId: 'org-1' }, /stage parameter orgId="org-1": expected an organization id/],
  [{ callerAccounts: '1234' }, /stage parameter callerAccounts="1234": expected 12-digit account ids/],
  [{ orgId: 'o-abcdefghij', callerAccounts: '111122223333' }, /callerAccounts=.*expected nothing when orgId is set/],
])('refuses %p at package time', async (params, message) => {
  await expect(stageOptions(resolveWith(params))).rejects.toThrow(message);
});

it('refuses a stage name too long for Lambda’s 64-character function names, and takes the longest that fits', async () => {
  // lambda-permission-broker-<stage>-<longest function name, 9 characters>: 29 characters of stage fit.
  const withStage = (stage: string) => (name: string) =>
    name === 'sls:stage' ? Promise.resolve(stage) : resolveWith({})(name);
  await expect(stageOptions(withStage('x'.repeat(29)))).resolves.toBeDefined();
  await expect(stageOptions(withStage('x'.repeat(30)))).rejects.toThrow(
    /stage "x{30}" is 30 characters: at most 29 fit/,
  );
});

/**
 * The synthesized CloudFormation template (`npm run package` writes it; `npm run check:deploy` runs this after): what
 * the plugins and the framework make of deploy/*.js is checked where it lands, not only where it starts.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const ROOT = path.resolve(__dirname, '../..');
const TEMPLATE = path.join(ROOT, '.serverless/cloudformation-template-update-stack.json');
const STATE = path.join(ROOT, '.serverless/serverless-state.json');
/** What the template is built from: a change to any of these needs `npm run package` again. */
const SOURCES = [
  'serverless.yml',
  'policies/broker-roles.json',
  'handlers/http/routes.json',
  'adapters/dynamodb/table-schema.json',
  ...readdirSync(path.join(ROOT, 'deploy')).map((f) => `deploy/${f}`),
];

function built(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${path.relative(ROOT, file)} is missing or unreadable: run npm run package first`, {
      cause: error,
    });
  }
}
const template = built(TEMPLATE) as { Resources: Record<string, Resource> };
const state = built(STATE) as {
  service: { service: string; provider: { region: string; stage: string } };
};
const { region, stage } = state.service.provider;
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const roles = ofType('AWS::IAM::Role');
const statementsOf = (role: Resource) =>
  (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

it('is newer than everything it is built from (else run npm run package)', () => {
  const built = statSync(TEMPLATE).mtimeMs;
  const stale = SOURCES.filter((f) => statSync(path.join(ROOT, f)).mtimeMs > built);
  expect(stale).toEqual([]);
});

describe('role names', () => {
  it('carry the Region, so one stage deploys to two Regions (IAM names are global)', () => {
    // One per function, and the template serverless-iam-roles-per-function clones them from.
    expect(roles.length).toBe(ofType('AWS::Lambda::Function').length + 1);
    for (const [id, role] of roles) {
      expect({ id, name: role.Properties.RoleName as string }).toEqual({
        id,
        name: expect.stringContaining(`-${region}-`) as unknown,
      });
    }
  });

  it('are unique and fit IAM’s 64 characters for a 35-character stage in the longest Region name', () => {
    const names = roles.map(([, r]) => r.Properties.RoleName as string);
    expect(new Set(names).size).toBe(names.length);
    const LONGEST_REGION = 'ap-southeast-7'.length;
    const longest = Math.max(...names.map((n) => n.length - stage.length - region.length + 35 + LONGEST_REGION));
    expect(longest).toBeLessThanOrEqual(64);
  });
});

describe('self-protection', () => {
  const GUARDED = /^(iam:(Put|Delete)RolePolicy|lambda:(Add|Remove)Permission|lambda:\w+EventSourceMapping)$/;
  const matches = (pattern: string, value: string) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(value);
  /** A Deny's resource patterns, with the template's own account/partition/Region references filled in. */
  const patterns = (s: Statement) =>
    JSON.stringify(s)
      .match(/arn:\$\{AWS::Partition\}[^"]+/g)!
      .map((p) =>
        p
          .replace('${AWS::Partition}', 'aws')
          .replace('${AWS::Region}', region)
          .replace('${AWS::AccountId}', '123456789012'),
      );

  it('gives every role that may change policies, permissions or mappings a deny on every broker stage’s own', () => {
    const ownRoles = [
      ...roles.map(([, r]) => `arn:aws:iam::123456789012:role/${r.Properties.RoleName as string}`),
      // Another stage's, in another Region.
      'arn:aws:iam::123456789012:role/lpb-dev-eu-west-1-admin',
    ];
    const ownFunctions = [
      ...ofType('AWS::Lambda::Function').map(
        ([, f]) => `arn:aws:lambda:${region}:123456789012:function:${f.Properties.FunctionName as string}`,
      ),
      'arn:aws:lambda:eu-west-1:123456789012:function:lambda-permission-broker-dev-admin',
    ];
    const holders = roles.filter(([, r]) =>
      statementsOf(r).some((s) => s.Effect === 'Allow' && actions(s).some((a) => GUARDED.test(a))),
    );
    expect(holders.length).toBeGreaterThanOrEqual(6);
    for (const [id, role] of holders) {
      const denies = statementsOf(role).filter((s) => s.Effect === 'Deny');
      const denied = (action: string, arn: string) =>
        denies.some((s) => actions(s).includes(action) && patterns(s).some((p) => matches(p, arn)));
      for (const arn of ownRoles)
        expect({ id, arn, denied: denied('iam:PutRolePolicy', arn) }).toMatchObject({ denied: true });
      for (const arn of ownFunctions) {
        for (const action of ['lambda:AddPermission', 'lambda:CreateEventSourceMapping']) {
          expect({ id, arn, action, denied: denied(action, arn) }).toMatchObject({ denied: true });
        }
      }
      // The grantable functions of other teams stay grantable.
      expect(denied('lambda:AddPermission', `arn:aws:lambda:${region}:123456789012:function:order-processor`)).toBe(
        false,
      );
    }
  });
});

it('throttles POST /v1/slack/interactions and /v1/slack/commands on a stage the template owns', () => {
  const [[, stageResource] = []] = ofType('AWS::ApiGateway::Stage');
  const throttled = (resourcePath: string) => ({
    ResourcePath: resourcePath,
    HttpMethod: 'POST',
    ThrottlingRateLimit: expect.any(Number) as unknown,
    ThrottlingBurstLimit: expect.any(Number) as unknown,
  });
  expect(stageResource?.Properties).toMatchObject({
    StageName: stage,
    MethodSettings: [throttled('/~1v1~1slack~1interactions'), throttled('/~1v1~1slack~1commands')],
  });
  // A deployment that named the stage too would collide with it; StageDescription fails once the stage exists.
  for (const [, deployment] of ofType('AWS::ApiGateway::Deployment')) {
    expect(Object.keys(deployment.Properties)).toEqual(['RestApiId']);
    expect(stageResource?.Properties.DeploymentId).toEqual({ Ref: ofType('AWS::ApiGateway::Deployment')[0]![0] });
  }
});

it('reserves one concurrent run for the sweep and the reconcile by default, none for the rest', () => {
  const reserved = Object.fromEntries(
    ofType('AWS::Lambda::Function')
      .filter(([, f]) => f.Properties.ReservedConcurrentExecutions !== undefined)
      .map(([id, f]) => [id, f.Properties.ReservedConcurrentExecutions as number]),
  );
  expect(reserved).toEqual({ SweepLambdaFunction: 1, ReconcileLambdaFunction: 1 });
});

it('reads the table’s stream from its oldest record, with failures kept and each record retried a bounded time', () => {
  const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) =>
    JSON.stringify(m.Properties.EventSourceArn).includes('StreamArn'),
  );
  const of = (fn: string) => mappings.find(([, m]) => JSON.stringify(m.Properties.FunctionName).includes(fn))?.[1];
  expect(mappings).toHaveLength(2);
  expect(of('StreamLambdaFunction')?.Properties).toMatchObject({
    StartingPosition: 'TRIM_HORIZON',
    MaximumRetryAttempts: 10,
    BisectBatchOnFunctionError: true,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['StreamFailureQueue', 'Arn'] } } },
  });
});

it('publishes audit events from its own mapping on the stream: never skipped while the stream keeps them', () => {
  const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) =>
    JSON.stringify(m.Properties.FunctionName).includes('AuditLambdaFunction'),
  );
  expect(mappings).toHaveLength(1);
  expect(mappings[0]![1].Properties).toMatchObject({
    StartingPosition: 'TRIM_HORIZON',
    MaximumRetryAttempts: -1,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['AuditFailureQueue', 'Arn'] } } },
  });
  expect(template.Resources.AuditEventBus?.Properties).toEqual({ Name: 'lambda-permission-broker-ci' });
  const audit = template.Resources.AuditLambdaFunction!;
  expect(audit.Properties.Environment.Variables.BROKER_EVENT_BUS).toEqual({ Ref: 'AuditEventBus' });
  // No archive unless the stage asks for one (auditArchive=s3).
  expect(ofType('AWS::KinesisFirehose::DeliveryStream')).toEqual([]);
});

it('lets CloudFormation name the retained, deletion-protected table, and tells every function its name', () => {
  const table = template.Resources.BrokerTable!;
  expect(table.DeletionPolicy).toBe('Retain');
  expect(table.Properties.DeletionProtectionEnabled).toBe(true);
  expect(table.Properties.TableName).toBeUndefined();
  for (const [id, f] of ofType('AWS::Lambda::Function')) {
    expect({ id, table: f.Properties.Environment.Variables.BROKER_TABLE_NAME }).toEqual({
      id,
      table: { Ref: 'BrokerTable' },
    });
  }
});

it('is deployable with deploy/deployer-policy.json: every service the template uses has its actions there', () => {
  const policy = JSON.parse(readFileSync(path.join(ROOT, 'deploy/deployer-policy.json'), 'utf8')) as {
    Statement: Statement[];
  };
  const granted = new Set(policy.Statement.flatMap(actions).map((a) => a.split(':')[0]));
  const SERVICE: Record<string, string> = { Logs: 'logs', ApiGateway: 'apigateway', CloudWatch: 'cloudwatch' };
  const used = new Set(
    resources.map(([, r]) => {
      const service = r.Type.split('::')[1]!;
      return SERVICE[service] ?? service.toLowerCase();
    }),
  );
  expect([...used].filter((s) => !granted.has(s))).toEqual([]);
  expect(granted.has('cloudformation')).toBe(true);
});

describe('the API’s resource policy', () => {
  const [[, api]] = ofType('AWS::ApiGateway::RestApi') as [[string, Resource]];
  const statements = api.Properties.Policy.Statement as Statement[];

  it('lets callers of other accounts in (by default the broker’s own account only, orgId or callerAccounts for more)', () => {
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Resource: 'execute-api:/*',
        Condition: { StringEquals: { 'aws:PrincipalAccount': [{ Ref: 'AWS::AccountId' }] } },
      }),
    );
  });

  it('keeps the routes without IAM authorization open to all, and only those', () => {
    const open = statements.find((s) => s.Condition === undefined);
    expect(open?.Resource).toEqual([
      'execute-api:/*/GET/v1/health',
      'execute-api:/*/GET/v1/openapi.json',
      'execute-api:/*/POST/v1/slack/interactions',
      'execute-api:/*/POST/v1/slack/commands',
    ]);
  });
});

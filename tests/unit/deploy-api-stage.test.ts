/** deploy/api-stage.js: the API's stage as a template resource, carrying per-method throttling. */
/* eslint-disable @typescript-eslint/no-require-imports */
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
interface Plugin {
  hooks: Record<string, () => void>;
}
const ApiStage = require('../../deploy/api-stage.js') as new (serverless: unknown) => Plugin;

/** What osls compiles for GET /v1/health and POST /v1/slack/interactions. */
function compiled(): Resources {
  const resource = (parent: string | null, part: string) => ({
    Type: 'AWS::ApiGateway::Resource',
    Properties: {
      ParentId: parent ? { Ref: parent } : { 'Fn::GetAtt': ['ApiGatewayRestApi', 'RootResourceId'] },
      PathPart: part,
      RestApiId: { Ref: 'ApiGatewayRestApi' },
    },
  });
  const method = (resourceId: string, verb: string) => ({
    Type: 'AWS::ApiGateway::Method',
    Properties: { HttpMethod: verb, ResourceId: { Ref: resourceId }, RestApiId: { Ref: 'ApiGatewayRestApi' } },
  });
  return {
    ApiGatewayRestApi: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'lpb-ci' } },
    V1: resource(null, 'v1'),
    V1Health: resource('V1', 'health'),
    V1Slack: resource('V1', 'slack'),
    V1SlackInteractions: resource('V1Slack', 'interactions'),
    HealthGet: method('V1Health', 'GET'),
    SlackPost: method('V1SlackInteractions', 'POST'),
    ApiGatewayDeployment123: {
      Type: 'AWS::ApiGateway::Deployment',
      Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, StageName: 'ci' },
    },
  };
}

function run(methodThrottling: unknown[], resources = compiled()): Resources {
  const serverless = {
    service: { custom: { methodThrottling }, provider: { compiledCloudFormationTemplate: { Resources: resources } } },
    classes: { Error },
  };
  new ApiStage(serverless).hooks['after:package:compileEvents']!();
  return resources;
}

const slack = { path: '/v1/slack/interactions', method: 'post', rateLimit: '10', burstLimit: '20' };

it('moves the stage off the deployment into an AWS::ApiGateway::Stage that points at it', () => {
  const resources = run([slack]);
  expect(resources.ApiGatewayDeployment123?.Properties).toEqual({ RestApiId: { Ref: 'ApiGatewayRestApi' } });
  expect(resources.ApiGatewayStage).toEqual({
    Type: 'AWS::ApiGateway::Stage',
    Properties: {
      RestApiId: { Ref: 'ApiGatewayRestApi' },
      DeploymentId: { Ref: 'ApiGatewayDeployment123' },
      StageName: 'ci',
      MethodSettings: [
        {
          ResourcePath: '/~1v1~1slack~1interactions',
          HttpMethod: 'POST',
          ThrottlingRateLimit: 10,
          ThrottlingBurstLimit: 20,
        },
      ],
    },
  });
});

it('owns the stage even with nothing to throttle', () => {
  expect(run([]).ApiGatewayStage?.Properties.MethodSettings).toEqual([]);
});

it.each([
  [{ ...slack, path: '/v1/slack/interaction' }, /the API has no POST \/v1\/slack\/interaction$/],
  [{ ...slack, method: 'GET' }, /the API has no GET \/v1\/slack\/interactions/],
  [{ ...slack, rateLimit: 'ten' }, /rateLimit must be a number ≥ 0, got "ten"/],
  [{ ...slack, burstLimit: '2.5' }, /burstLimit must be a whole number ≥ 0, got "2.5"/],
  [{ ...slack, burstLimit: '' }, /burstLimit must be a whole number/],
])('stops packaging on %j', (setting, message) => {
  expect(() => run([setting])).toThrow(message);
});

it('refuses a template without exactly one API deployment', () => {
  const resources = compiled();
  delete resources.ApiGatewayDeployment123;
  expect(() => run([], resources)).toThrow(/expects one API deployment, found 0/);
});

// osls plugin: the REST API's stage as a CloudFormation resource, so per-method throttling is part of the template.
//
// osls (the Serverless Framework v3 line) creates the stage through the StageName of a new AWS::ApiGateway::Deployment
// on every deploy and has no setting for method throttling. A `resources` override cannot help: the deployment's logical
// id changes each time, and CloudFormation refuses a Deployment's StageDescription once the stage exists ("StageDescription
// cannot be specified when stage referenced by StageName already exists"). So after osls compiles the API, this plugin
// takes StageName off the Deployment and adds an AWS::ApiGateway::Stage pointing at it, with the MethodSettings from
// custom.methodThrottling ({ path, method, rateLimit, burstLimit }). Each deploy then moves the stage to the new
// deployment in place. Keep provider.logs.restApi, provider.tracing and tags unset: osls applies those to the stage
// with API calls after the deploy, which would fight the template.
'use strict';

/** The template's API methods as "METHOD /full/path", from their AWS::ApiGateway::Resource chains. */
function methodsOf(resources) {
  const pathOf = (ref) => {
    const resource = ref && resources[ref.Ref];
    if (!resource) return '';
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::ApiGateway::Method')
    .map((r) => `${r.Properties.HttpMethod} ${pathOf(r.Properties.ResourceId)}`);
}

function number(value, what, integer) {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`custom.methodThrottling: ${what} must be a ${integer ? 'whole ' : ''}number ≥ 0, got "${value}"`);
  }
  return n;
}

/** One MethodSetting per throttled route; ResourcePath is "/" then the path with each "/" as "~1" (/~1v1~1health). */
function methodSettings(throttling, methods) {
  return throttling.map(({ path, method, rateLimit, burstLimit }) => {
    const route = `${String(method).toUpperCase()} ${path}`;
    if (!methods.includes(route)) throw new Error(`custom.methodThrottling: the API has no ${route}`);
    return {
      ResourcePath: `/${path.replaceAll('/', '~1')}`,
      HttpMethod: String(method).toUpperCase(),
      ThrottlingRateLimit: number(rateLimit, `${route} rateLimit`, false),
      ThrottlingBurstLimit: number(burstLimit, `${route} burstLimit`, true),
    };
  });
}

class ApiStage {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:package:compileEvents': () => this.ownStage() };
  }

  ownStage() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const deployments = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::ApiGateway::Deployment');
    if (deployments.length !== 1) {
      throw new this.serverless.classes.Error(
        `deploy/api-stage.js expects one API deployment, found ${deployments.length}`,
      );
    }
    const [deploymentId] = deployments;
    const deployment = resources[deploymentId].Properties;
    let settings;
    try {
      settings = methodSettings(this.serverless.service.custom?.methodThrottling ?? [], methodsOf(resources));
    } catch (error) {
      throw new this.serverless.classes.Error(error.message);
    }
    resources.ApiGatewayStage = {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: deployment.RestApiId,
        DeploymentId: { Ref: deploymentId },
        StageName: deployment.StageName,
        MethodSettings: settings,
      },
    };
    delete deployment.StageName;
  }
}

module.exports = ApiStage;
module.exports.methodSettings = methodSettings;

// serverless.yml provider.apiGateway.resourcePolicy: who may call the REST API at all. With AWS_IAM authorization a
// caller from another account needs an Allow in the API's resource policy as well as in its own IAM policy, so without
// one every app team of another account gets 403 before a handler runs. This policy lets in every principal of the
// organization (stage parameter orgId), or of the accounts in callerAccounts when there is no organization (default:
// the target accounts and the broker's own); the routes without IAM authorization (health, the OpenAPI document,
// Slack) stay open to all, as their own checks (Slack's signature) decide. docs/deploy.md, Callers from other accounts.
const routes = require('../handlers/http/routes.json');
const { stageOptions } = require('./stage-options');

// The resource of a route, stage and path parameters as wildcards (execute-api:/<stage>/METHOD/path).
const resourceOf = (route) => `execute-api:/*/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;

/** The resource policy for the stage options' callers. */
function apiPolicy({ orgId, callerAccounts }) {
  const callers = orgId
    ? { StringEquals: { 'aws:PrincipalOrgID': orgId } }
    : {
        StringEquals: {
          'aws:PrincipalAccount': callerAccounts.length > 0 ? callerAccounts : [{ Ref: 'AWS::AccountId' }],
        },
      };
  return [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: routes.filter((r) => r.auth !== 'caller').map(resourceOf),
    },
    { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: callers },
  ];
}

module.exports = async ({ resolveVariable }) => apiPolicy(await stageOptions(resolveVariable));
module.exports.apiPolicy = apiPolicy;

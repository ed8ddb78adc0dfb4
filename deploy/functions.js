// serverless.yml `functions`: built from the route table (handlers/http/routes.json) and the per-function role
// documents (policies/broker-roles.json), so neither routes nor permissions are written twice.
const routes = require('../handlers/http/routes.json');
const roles = require('../policies/broker-roles.json');

const TABLE_ARN = { 'Fn::GetAtt': ['BrokerTable', 'Arn'] };
const RESOURCES = {
  '{table}': TABLE_ARN,
  '{tableIndexes}': { 'Fn::Join': ['', [TABLE_ARN, '/index/*']] },
  '{functions}': {
    'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:${param:grantableFunctions}',
  },
};

function statementsFor(fn) {
  const statements = roles[fn];
  if (!statements) throw new Error(`policies/broker-roles.json has no role for function ${fn}`);
  return statements.map((s) => ({ ...s, Resource: s.Resource.map((r) => RESOURCES[r] ?? r) }));
}

const functions = {};
for (const route of routes) {
  const fn = (functions[route.function] ??= {
    handler: `handlers/http/${route.function}.handler`,
    events: [],
    iamRoleStatementsName: `\${self:service}-\${sls:stage}-${route.function}`,
    iamRoleStatements: statementsFor(route.function),
  });
  const http = { method: route.method.toLowerCase(), path: route.path.replace(/^\//, '') };
  if (route.auth === 'caller') http.authorizer = 'aws_iam';
  fn.events.push({ http });
}

module.exports = functions;

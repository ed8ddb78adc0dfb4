// serverless.yml `functions`: built from the route table (handlers/http/routes.json) and the per-function role
// documents (policies/broker-roles.json), so neither routes nor permissions are written twice.
const routes = require('../handlers/http/routes.json');
const roles = require('../policies/broker-roles.json');

const TABLE_ARN = { 'Fn::GetAtt': ['BrokerTable', 'Arn'] };
const PLACEHOLDERS = {
  '{table}': TABLE_ARN,
  '{tableIndexes}': { 'Fn::Join': ['', [TABLE_ARN, '/index/*']] },
  '{functions}': {
    'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:${param:grantableFunctions}',
  },
  '{mappings}': { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:event-source-mapping:*' },
  '{roles}': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:${param:executionRoles}' },
  '{slackParameters}': {
    'Fn::Sub':
      'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${self:service}/${sls:stage}/slack-*',
  },
};

const resolve = (value) => PLACEHOLDERS[value] ?? value;

/** Expands a permission set name (or a group of them) into IAM statements with CloudFormation references. */
function statements(name) {
  if (roles.groups[name]) return roles.groups[name].flatMap(statements);
  const s = roles.statements[name];
  if (!s) throw new Error(`policies/broker-roles.json has no permission set ${name}`);
  const out = { ...s, Resource: s.Resource.map(resolve) };
  if (s.Condition) {
    out.Condition = Object.fromEntries(
      Object.entries(s.Condition).map(([op, keys]) => [
        op,
        Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, resolve(v)])),
      ]),
    );
  }
  return [out];
}

function roleOf(fn) {
  const sets = roles.functions[fn];
  if (!sets) throw new Error(`policies/broker-roles.json has no role for function ${fn}`);
  // A set named by two groups (grantInvoke in apply and end) appears once.
  const seen = new Set();
  return sets.flatMap(statements).filter((s) => {
    const key = JSON.stringify(s);
    return !seen.has(key) && seen.add(key);
  });
}

// Only functions allowed to read the Slack secrets are told where they are (SecureString parameters created before
// deploy, read once per cold start); the others never try.
function environmentOf(fn) {
  if (!roles.functions[fn].includes('readSlackSecrets')) return {};
  return {
    SLACK_BOT_TOKEN_PARAMETER: '/${self:service}/${sls:stage}/slack-bot-token',
    SLACK_SIGNING_SECRET_PARAMETER: '/${self:service}/${sls:stage}/slack-signing-secret',
  };
}

const functions = {};
for (const route of routes) {
  const fn = (functions[route.function] ??= {
    handler: `handlers/http/${route.function}.handler`,
    events: [],
    iamRoleStatementsName: `\${self:service}-\${sls:stage}-${route.function}`,
    iamRoleStatements: roleOf(route.function),
    environment: environmentOf(route.function),
  });
  const http = { method: route.method.toLowerCase(), path: route.path.replace(/^\//, '') };
  if (route.auth === 'caller') http.authorizer = 'aws_iam';
  fn.events.push({ http });
}

// Scheduled functions run one at a time: overlaps would be harmless but waste the Lambda rate budget.
function scheduled(name, rate, timeout) {
  return {
    handler: `handlers/schedule/${name}.handler`,
    timeout,
    reservedConcurrency: 1,
    events: [{ schedule: { rate, enabled: true } }],
    iamRoleStatementsName: `\${self:service}-\${sls:stage}-${name}`,
    iamRoleStatements: roleOf(name),
    environment: environmentOf(name),
  };
}

functions.sweep = scheduled('sweep', 'rate(1 minute)', 55);
functions.reconcile = scheduled('reconcile', 'rate(1 hour)', 300);

module.exports = functions;

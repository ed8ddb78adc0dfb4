// serverless.yml `functions`: built from the route table (handlers/http/routes.json) and the per-function role
// documents (policies/broker-roles.json), so neither routes nor permissions are written twice.
const routes = require('../handlers/http/routes.json');
const roles = require('../policies/broker-roles.json');
const { selfProtection } = require('./self-protection');

const TABLE_ARN = { 'Fn::GetAtt': ['BrokerTable', 'Arn'] };
const arnOf = (resource) => ({ 'Fn::GetAtt': [resource, 'Arn'] });
const PLACEHOLDERS = {
  '{table}': TABLE_ARN,
  '{tableIndexes}': { 'Fn::Join': ['', [TABLE_ARN, '/index/*']] },
  '{functions}': {
    'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:${param:grantableFunctions}',
  },
  '{mappings}': { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:event-source-mapping:*' },
  '{roles}': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:${param:executionRoles}' },
  '{eventSourceQueues}': { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:*:*' },
  '{eventSourceStreams}': { 'Fn::Sub': 'arn:${AWS::Partition}:kinesis:${AWS::Region}:*:stream/*' },
  '{eventSourceKeys}': { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:*:key/*' },
  // Source proof in the broker's own account (docs/policy-preview.md, Source proof); a spoke's through its role.
  '{ownTopics}': { 'Fn::Sub': 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*' },
  '{ownQueues}': { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*' },
  // A bucket's ARN names no account: the statement's aws:ResourceAccount condition keeps it to the broker's own.
  '{buckets}': { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*' },
  '{ownRules}': { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*' },
  '{ownStreams}': { 'Fn::Sub': 'arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/*' },
  '{ownTableStreams}': {
    'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*/stream/*',
  },
  '{ownAccount}': { Ref: 'AWS::AccountId' },
  // API Gateway resources carry no account either: the caller's own APIs are the only ones it can read. The APIs
  // themselves only: their stages, integrations and exports are denied.
  '{restApis}': { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/*' },
  '{httpApis}': { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}::/apis/*' },
  '{restApiDetails}': { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/*/*' },
  '{httpApiDetails}': { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}::/apis/*/*' },
  '{slackParameters}': {
    'Fn::Sub':
      'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${self:service}/${sls:stage}/slack-*',
  },
  '{workQueue}': arnOf('WorkQueue'),
  '{notifyQueue}': arnOf('NotifyQueue'),
  '{streamFailureQueue}': arnOf('StreamFailureQueue'),
  // Approver groups (docs/api.md, Approvers from the identity provider): reads of the one identity store, whose users,
  // groups and memberships carry no account in their ARNs.
  '{identityStore}': { 'Fn::Sub': 'arn:${AWS::Partition}:identitystore::${AWS::AccountId}:identitystore/*' },
  '{identityStoreMembers}': { 'Fn::Sub': 'arn:${AWS::Partition}:identitystore:::*' },
  '{auditFailureQueue}': arnOf('AuditFailureQueue'),
  '{eventBus}': arnOf('AuditEventBus'),
  // In any account: BROKER_TARGET_ACCOUNTS decides where the broker acts, each spoke's trust policy who may come in.
  '{accountRoles}': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*' },
  '{spokeRoles}': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${param:spokeRoleName}' },
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

/** The names of the permission sets a function holds, groups expanded. */
function setsOf(fn) {
  const sets = roles.functions[fn];
  if (!sets) throw new Error(`policies/broker-roles.json has no role for function ${fn}`);
  const expand = (name) => (roles.groups[name] ? roles.groups[name].flatMap(expand) : [name]);
  return [...new Set(sets.flatMap(expand))];
}

/** Statements for what Lambda does on the function's behalf carry this Sid prefix (not the code's calls). */
const PLATFORM_SID = 'LambdaPlatform';

function roleOf(fn) {
  // A set named by two groups (grantInvoke in apply and end) appears once.
  const seen = new Set();
  const own = setsOf(fn)
    .flatMap(statements)
    .filter((s) => {
      const key = JSON.stringify(s);
      return !seen.has(key) && seen.add(key);
    });
  const platform = (roles.platform[fn] ?? []).flatMap((name) =>
    statements(name).map((s) => ({ Sid: `${PLATFORM_SID}${name[0].toUpperCase()}${name.slice(1)}`, ...s })),
  );
  return [...own, ...platform, ...selfProtection(own)];
}

// Each function is told only where the things it may use are: Slack secrets (SecureString parameters created before
// deploy, read once per cold start) and the queues it sends to.
function environmentOf(fn) {
  const sets = setsOf(fn);
  const env = {};
  if (sets.includes('readSlackSecrets')) {
    env.SLACK_BOT_TOKEN_PARAMETER = '/${self:service}/${sls:stage}/slack-bot-token';
    env.SLACK_SIGNING_SECRET_PARAMETER = '/${self:service}/${sls:stage}/slack-signing-secret';
  }
  if (sets.includes('queueWork')) env.BROKER_WORK_QUEUE_URL = { Ref: 'WorkQueue' };
  if (sets.includes('queueNotifications')) env.BROKER_NOTIFY_QUEUE_URL = { Ref: 'NotifyQueue' };
  if (sets.includes('publishAuditEvents')) env.BROKER_EVENT_BUS = { Ref: 'AuditEventBus' };
  return env;
}

function lambdaFunction(name, handler, extra) {
  return {
    handler,
    iamRoleStatementsName: `\${self:custom.rolePrefix}-${name}`,
    iamRoleStatements: roleOf(name),
    environment: environmentOf(name),
    ...extra,
  };
}

const functions = {};
for (const route of routes) {
  const fn = (functions[route.function] ??= lambdaFunction(route.function, `handlers/http/${route.function}.handler`, {
    events: [],
  }));
  const http = { method: route.method.toLowerCase(), path: route.path.replace(/^\//, '') };
  if (route.auth === 'caller') http.authorizer = 'aws_iam';
  fn.events.push({ http });
}

// Scheduled functions: their reserved concurrency (stage parameter reservedConcurrency) is set in deploy/resources.js.
function scheduled(name, rate, timeout) {
  return lambdaFunction(name, `handlers/schedule/${name}.handler`, {
    timeout,
    events: [{ schedule: { rate, enabled: true } }],
  });
}

functions.sweep = scheduled('sweep', 'rate(1 minute)', 55);
functions.reconcile = scheduled('reconcile', 'rate(1 hour)', 300);

// Behind the answers: the table's stream dispatches each change; the work queue applies and removes grants (its
// delivery delay is the expiry timer); the Slack queue (FIFO, grouped by request) brings Slack up to date.
functions.stream = lambdaFunction('stream', 'handlers/events/stream.handler', {
  timeout: 30,
  events: [
    {
      stream: {
        type: 'dynamodb',
        arn: { 'Fn::GetAtt': ['BrokerTable', 'StreamArn'] },
        // From the oldest record the stream keeps: changes written before the mapping existed (a first deploy, a
        // mapping re-created) are dispatched rather than skipped; dispatching twice schedules nothing twice.
        startingPosition: 'TRIM_HORIZON',
        batchSize: 100,
        maximumRetryAttempts: 10,
        bisectBatchOnFunctionError: true,
        functionResponseType: 'ReportBatchItemFailures',
        // Only requests and allowlist entries matter; leases, budget counters and Slack refs share the table.
        filterPatterns: [
          { dynamodb: { Keys: { SK: { S: ['#REQUEST'] } } } },
          { dynamodb: { Keys: { PK: { S: ['ALLOWLIST'] } } } },
        ],
        destinations: { onFailure: { arn: arnOf('StreamFailureQueue'), type: 'sqs' } },
      },
    },
  ],
});
// The same stream, read a second time by its own mapping: audit events to the stack's bus (docs/audit.md, Delivery).
// Its own retries and failure queue, so a bus that refuses events holds up no grant work. Retried until the stream
// drops the record (24 h, maximumRetryAttempts -1: an event is never skipped while it can still be read); its lag and
// its failure queue alarm.
functions.audit = lambdaFunction('audit', 'handlers/events/audit.handler', {
  timeout: 30,
  events: [
    {
      stream: {
        type: 'dynamodb',
        arn: { 'Fn::GetAtt': ['BrokerTable', 'StreamArn'] },
        startingPosition: 'TRIM_HORIZON',
        batchSize: 100,
        maximumRetryAttempts: -1,
        functionResponseType: 'ReportBatchItemFailures',
        // Requests, the change records of allowlist entries (who changed one; the entry items carry no deleter) and the
        // two-person rule's proposals.
        filterPatterns: [
          { dynamodb: { Keys: { SK: { S: ['#REQUEST'] } } } },
          { dynamodb: { Keys: { PK: { S: ['ENTRY_CHANGES'] } } } },
          { dynamodb: { Keys: { PK: { S: ['ALLOWLIST_CHANGES'] } } } },
        ],
        destinations: { onFailure: { arn: arnOf('AuditFailureQueue'), type: 'sqs' } },
      },
    },
  ],
});
functions.work = lambdaFunction('work', 'handlers/events/work.handler', {
  timeout: 60,
  events: [{ sqs: { arn: arnOf('WorkQueue'), batchSize: 10, functionResponseType: 'ReportBatchItemFailures' } }],
});
functions.notify = lambdaFunction('notify', 'handlers/events/notify.handler', {
  timeout: 30,
  events: [{ sqs: { arn: arnOf('NotifyQueue'), batchSize: 10, functionResponseType: 'ReportBatchItemFailures' } }],
});

// Functions that act on functions of other accounts assume the spoke role there (docs/deploy.md, Many accounts (hub and
// spokes)); their Sid says so.
const SPOKE_SID = 'SpokeAccounts';
for (const [fn, sets] of Object.entries(roles.spokes)) {
  if (fn.startsWith('_')) continue;
  functions[fn].iamRoleStatements.push(...sets.flatMap(statements).map((s) => ({ Sid: SPOKE_SID, ...s })));
}

module.exports = functions;

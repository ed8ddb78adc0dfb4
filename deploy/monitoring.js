// serverless.yml `resources` (merged by deploy/resources.js): CloudWatch alarms on what needs a person, sent to an SNS
// topic, and one dashboard of the grant lifecycle. docs/runbook.md says what to do about each alarm. The metrics come
// from adapters/metrics/grant-metrics.ts, the sweep handler and the control-plane budget (EMF, namespace
// LambdaPermissionBroker, dimension service = ${service}-${stage}: POWERTOOLS_SERVICE_NAME in serverless.yml).
const functions = require('./functions');

const NAME = '${self:service}-${sls:stage}';
const NAMESPACE = 'LambdaPermissionBroker';
const SERVICE = [{ Name: 'service', Value: NAME }];

/** The logical id osls gives a function's AWS::Lambda::Function (names here are single lower-case words). */
const functionId = (name) => `${name[0].toUpperCase()}${name.slice(1)}LambdaFunction`;

/** An alarm that notifies `topic`; `metric` holds Namespace, MetricName, Dimensions, Statistic. */
function alarm(topic, name, description, metric, { threshold = 0, period = 300, evaluationPeriods = 1 } = {}) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${NAME}-${name}`,
      AlarmDescription: `${description} What to do: docs/runbook.md, alarm ${name}.`,
      ...metric,
      Period: period,
      EvaluationPeriods: evaluationPeriods,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      // Quiet queues and idle functions publish nothing: no data is no trouble.
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
    },
  };
}

const deadLetters = (queue) => ({
  Namespace: 'AWS/SQS',
  MetricName: 'ApproximateNumberOfMessagesVisible',
  Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
  Statistic: 'Maximum',
});
const brokerMetric = (metricName, statistic) => ({
  Namespace: NAMESPACE,
  MetricName: metricName,
  Dimensions: SERVICE,
  Statistic: statistic,
});
const functionErrors = (fn) => ({
  Namespace: 'AWS/Lambda',
  MetricName: 'Errors',
  Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(fn) } }],
  Statistic: 'Sum',
});

/** The topic alarms go to: the stage's own (with an optional e-mail subscription), or an existing one. */
function alarmTopic({ alarmTopicArn, alarmEmail }) {
  if (alarmTopicArn) return { topic: alarmTopicArn, resources: {} };
  // Encrypted with the AWS-managed SNS key: alarm texts name functions and grants.
  const resources = {
    AlarmTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: `${NAME}-alarms`, KmsMasterKeyId: 'alias/aws/sns' },
    },
  };
  if (alarmEmail) {
    resources.AlarmEmailSubscription = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: alarmEmail },
    };
  }
  return { topic: { Ref: 'AlarmTopic' }, resources };
}

const alarms = (topic) => ({
  WorkDeadLettersAlarm: alarm(
    topic,
    'work-dead-letters',
    'Work (apply, remove, timers) failed 10 times for a request and was set aside.',
    deadLetters('WorkDeadLetterQueue'),
  ),
  NotifyDeadLettersAlarm: alarm(
    topic,
    'notify-dead-letters',
    'A Slack update failed 5 times and was set aside.',
    deadLetters('NotifyDeadLetterQueue'),
  ),
  AuditFailuresAlarm: alarm(
    topic,
    'audit-failures',
    'Table changes whose audit events could not be published before the stream dropped them (24 h of retries).',
    deadLetters('AuditFailureQueue'),
  ),
  AuditLagAlarm: alarm(
    topic,
    'audit-lag',
    'Audit events are more than a minute behind the table: the event bus refuses them, or the audit function fails.',
    {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('audit') } }],
      Statistic: 'Maximum',
    },
    { threshold: 60_000, period: 60, evaluationPeriods: 5 },
  ),
  StreamFailuresAlarm: alarm(
    topic,
    'stream-failures',
    'Table changes the stream function could not dispatch after 10 attempts.',
    deadLetters('StreamFailureQueue'),
  ),
  GrantsFailedAlarm: alarm(
    topic,
    'grants-failed',
    'A grant ended FAILED: AWS refused to apply it, or kept failing for 30 minutes.',
    brokerMetric('GrantsFailed', 'Sum'),
  ),
  ExpiryLagAlarm: alarm(
    topic,
    'expiry-lag',
    'A grant was removed more than 60 s after it expired.',
    brokerMetric('ExpiryLagSeconds', 'Maximum'),
    { threshold: 60, period: 60 },
  ),
  SweepErrorsAlarm: alarm(
    topic,
    'sweep-errors',
    'The scheduled sweep (the safety net) failed.',
    functionErrors('sweep'),
  ),
  ReconcileErrorsAlarm: alarm(
    topic,
    'reconcile-errors',
    'The hourly drift reconcile failed.',
    functionErrors('reconcile'),
  ),
  ReconcileBehindAlarm: alarm(
    topic,
    'reconcile-behind',
    'Some function has not been checked for drift for more than a day: the hourly reconcile cannot keep up or cannot reach an account.',
    brokerMetric('ReconcileOldestCheckSeconds', 'Maximum'),
    { threshold: 24 * 3600, period: 3600 },
  ),
  OverdueRemovalsAlarm: alarm(
    topic,
    'overdue-removals',
    'A grant has been ACTIVE past its end for more than 10 minutes: its removal is blocked (REMOVAL_BLOCKED) or failing.',
    brokerMetric('OldestOverdueRemovalSeconds', 'Maximum'),
    { threshold: 600, period: 60 },
  ),
  StreamIteratorAgeAlarm: alarm(
    topic,
    'stream-iterator-age',
    'The stream function is more than 5 minutes behind the table: decisions and allowlist changes wait.',
    {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('stream') } }],
      Statistic: 'Maximum',
    },
    { threshold: 300_000, period: 60, evaluationPeriods: 5 },
  ),
  OldestWorkAlarm: alarm(
    topic,
    'oldest-work',
    'Work due now has waited more than 5 minutes in the work queue: the work function is not keeping up.',
    {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['WorkQueue', 'QueueName'] } }],
      Statistic: 'Maximum',
    },
    // Timers ride the queue delayed (up to 15 minutes): only a message this much older than any delay is late.
    { threshold: 1_200, period: 60, evaluationPeriods: 5 },
  ),
  LambdaThrottlesAlarm: alarm(
    topic,
    'lambda-throttles',
    'Lambda answered 429 to the broker more than 50 times in each of 3 consecutive 5-minute periods.',
    brokerMetric('ThrottlesMet', 'Sum'),
    { threshold: 50, evaluationPeriods: 3 },
  ),
});

/** Widgets as JSON text; `{{Logical.Attribute}}` / `{{Logical}}` / `{{AWS::Region}}` become CloudFormation values. */
function dashboardBody() {
  const lifecycle = [
    'RequestsCreated',
    'RequestsApproved',
    'GrantsActivated',
    'GrantsExpired',
    'GrantsRevoked',
    'GrantsFailed',
    'RequestsTimedOut',
    'DriftDetected',
  ];
  const broker = (metric, stat, extra = {}) => [NAMESPACE, metric, 'service', NAME, { stat, ...extra }];
  const queue = (metric, logical, label) => ['AWS/SQS', metric, 'QueueName', `{{${logical}.QueueName}}`, { label }];
  const widget = (x, y, title, metrics, extra = {}) => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, metrics, view: 'timeSeries', region: '{{AWS::Region}}', period: 300, ...extra },
  });
  const widgets = [
    widget(
      0,
      0,
      'Grant lifecycle (count per 5 minutes)',
      lifecycle.map((m) => broker(m, 'Sum')),
    ),
    widget(
      12,
      0,
      'Expiry lag and overdue removals (seconds)',
      [broker('ExpiryLagSeconds', 'Maximum'), broker('OldestOverdueRemovalSeconds', 'Maximum')],
      { period: 60, annotations: { horizontal: [{ label: 'overdue alarm', value: 600 }] } },
    ),
    widget(0, 6, 'Queues (messages)', [
      queue('ApproximateNumberOfMessagesVisible', 'WorkQueue', 'work: due now'),
      queue('ApproximateNumberOfMessagesDelayed', 'WorkQueue', 'work: timers waiting'),
      queue('ApproximateNumberOfMessagesVisible', 'NotifyQueue', 'Slack updates'),
    ]),
    widget(12, 6, 'Dead letters (should be 0)', [
      queue('ApproximateNumberOfMessagesVisible', 'WorkDeadLetterQueue', 'work'),
      queue('ApproximateNumberOfMessagesVisible', 'NotifyDeadLetterQueue', 'Slack'),
      queue('ApproximateNumberOfMessagesVisible', 'StreamFailureQueue', 'stream'),
    ]),
    widget(
      0,
      12,
      'Function errors',
      Object.keys(functions).map((fn) => [
        'AWS/Lambda',
        'Errors',
        'FunctionName',
        `{{${functionId(fn)}}}`,
        { label: fn, stat: 'Sum' },
      ]),
    ),
    widget(12, 12, 'Lambda control plane', [
      broker('ThrottlesMet', 'Sum'),
      broker('SweepDurationMs', 'Maximum', { yAxis: 'right' }),
      [
        'AWS/Lambda',
        'IteratorAge',
        'FunctionName',
        `{{${functionId('stream')}}}`,
        { stat: 'Maximum', yAxis: 'right', label: 'stream lag ms' },
      ],
    ]),
    widget(0, 18, 'API', [
      ['AWS/ApiGateway', 'Count', 'ApiName', NAME, 'Stage', '${sls:stage}', { stat: 'Sum' }],
      ['AWS/ApiGateway', '4XXError', 'ApiName', NAME, 'Stage', '${sls:stage}', { stat: 'Sum' }],
      ['AWS/ApiGateway', '5XXError', 'ApiName', NAME, 'Stage', '${sls:stage}', { stat: 'Sum' }],
    ]),
  ];
  const parts = JSON.stringify({ widgets }).split(/\{\{([^}]+)\}\}/);
  // split() with a capture group alternates text and placeholder names.
  return {
    'Fn::Join': [
      '',
      parts.map((part, i) => {
        if (i % 2 === 0) return part;
        if (part.startsWith('AWS::')) return { Ref: part };
        const [logical, attribute] = part.split('.');
        return attribute ? { 'Fn::GetAtt': [logical, attribute] } : { Ref: logical };
      }),
    ],
  };
}

/** Alarms, their topic and the dashboard for the stage options (deploy/stage-options.js). */
function monitoring(options) {
  const { topic, resources } = alarmTopic(options);
  return {
    Resources: {
      ...resources,
      ...alarms(topic),
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: {
          // Dashboard names are global to the account, like role names.
          DashboardName: `${NAME}-\${self:provider.region}`,
          DashboardBody: dashboardBody(),
        },
      },
    },
    Outputs: {
      AlarmTopicArn: { Value: topic },
      DashboardName: { Value: { Ref: 'Dashboard' } },
    },
  };
}

module.exports = { monitoring };

// serverless.yml `resources`: the broker table, defined by the same schema the local runner creates it from, and
// the queues behind the answers, with their dead-letter queues (the same ones adapters/sqs/ensure-queues.ts makes
// locally); the alarms and dashboard come from deploy/monitoring.js. osls calls the exported function with its
// resolveVariable, so the stage parameters of deploy/stage-options.js shape the template at package time.
const { TimeToLiveAttribute, StreamSpecification, ...schema } = require('../adapters/dynamodb/table-schema.json');
const functions = require('./functions');
const { monitoring } = require('./monitoring');
const { stageOptions } = require('./stage-options');
const { auditArchive } = require('./audit-archive');

/** SQS asks for a visibility timeout of at least six times the consuming function's timeout. */
const queue = (name, visibilityTimeout, deadLetter, maxReceiveCount, fifo = false) => ({
  Type: 'AWS::SQS::Queue',
  Properties: {
    QueueName: `\${self:service}-\${sls:stage}-${name}${fifo ? '.fifo' : ''}`,
    SqsManagedSseEnabled: true,
    ...(fifo ? { FifoQueue: true } : {}),
    ...(visibilityTimeout ? { VisibilityTimeout: visibilityTimeout } : {}),
    ...(deadLetter
      ? { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetter, 'Arn'] }, maxReceiveCount } }
      : { MessageRetentionPeriod: 1209600 }),
  },
});

/**
 * Scheduled functions (sweep, reconcile) run one at a time by default: overlaps would be harmless but waste the Lambda
 * rate budget. A reservation comes out of the account's unreserved concurrency, which AWS keeps at 10 or more, so an
 * account whose quota is 10 deploys with reservedConcurrency=none.
 */
function reservations(reservedConcurrency) {
  if (reservedConcurrency === null) return {};
  const scheduled = Object.keys(functions).filter((fn) => functions[fn].events.some((e) => e.schedule));
  return Object.fromEntries(
    scheduled.map((fn) => [
      `${fn[0].toUpperCase()}${fn.slice(1)}LambdaFunction`,
      { Properties: { ReservedConcurrentExecutions: reservedConcurrency } },
    ]),
  );
}

/** The resources for one stage's options. */
function resourcesFor(options) {
  const watch = monitoring(options);
  return {
    Resources: {
      BrokerTable: {
        Type: 'AWS::DynamoDB::Table',
        // Grants and their audit trail outlive any stack mistake. A retained table keeps its name, so unless the stage
        // names it (tableName, for a stack an earlier version deployed) CloudFormation does: stack name, logical id and
        // a random suffix. A removed stage can then be deployed again (docs/deploy.md, "Removing a stage").
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          ...(options.tableName ? { TableName: options.tableName } : {}),
          ...schema,
          StreamSpecification: { StreamViewType: StreamSpecification.StreamViewType },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          TimeToLiveSpecification: { AttributeName: TimeToLiveAttribute, Enabled: true },
          SSESpecification: { SSEEnabled: true },
          // A table deleted by hand would take every grant's record with it: the console and the API refuse that.
          DeletionProtectionEnabled: true,
        },
      },
      WorkQueue: queue('work', 360, 'WorkDeadLetterQueue', 10),
      WorkDeadLetterQueue: queue('work-dlq'),
      NotifyQueue: queue('notify', 180, 'NotifyDeadLetterQueue', 5, true),
      NotifyDeadLetterQueue: queue('notify-dlq', 0, null, 0, true),
      StreamFailureQueue: queue('stream-failures'),
      // Audit events (docs/audit.md, Events on EventBridge): the stack's own bus, the audit function's failure queue,
      // and with the stage parameter auditArchive=s3 a Firehose delivery of every event to an S3 bucket.
      AuditEventBus: { Type: 'AWS::Events::EventBus', Properties: { Name: '${self:service}-${sls:stage}' } },
      AuditFailureQueue: queue('audit-failures'),
      ...(options.auditArchive === 's3' ? auditArchive() : {}),
      ...watch.Resources,
    },
    Outputs: {
      BrokerTableName: { Value: { Ref: 'BrokerTable' } },
      WorkDeadLetterQueueUrl: { Value: { Ref: 'WorkDeadLetterQueue' } },
      NotifyDeadLetterQueueUrl: { Value: { Ref: 'NotifyDeadLetterQueue' } },
      StreamFailureQueueUrl: { Value: { Ref: 'StreamFailureQueue' } },
      AuditEventBusName: { Value: { Ref: 'AuditEventBus' } },
      AuditEventBusArn: { Value: { 'Fn::GetAtt': ['AuditEventBus', 'Arn'] } },
      AuditFailureQueueUrl: { Value: { Ref: 'AuditFailureQueue' } },
      ...(options.auditArchive === 's3' ? { AuditArchiveBucketName: { Value: { Ref: 'AuditArchiveBucket' } } } : {}),
      ...watch.Outputs,
    },
    extensions: reservations(options.reservedConcurrency),
  };
}

module.exports = async ({ resolveVariable }) => resourcesFor(await stageOptions(resolveVariable));
module.exports.resourcesFor = resourcesFor;

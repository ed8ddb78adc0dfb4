// serverless.yml `resources`: the broker table, defined by the same schema the local runner creates it from, and
// the queues behind the answers, with their dead-letter queues (the same ones adapters/sqs/ensure-queues.ts makes
// locally).
const { TimeToLiveAttribute, StreamSpecification, ...schema } = require('../adapters/dynamodb/table-schema.json');

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

module.exports = {
  Resources: {
    BrokerTable: {
      Type: 'AWS::DynamoDB::Table',
      // Grants and their audit trail outlive any stack mistake.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        TableName: '${self:custom.tableName}',
        ...schema,
        StreamSpecification: { StreamViewType: StreamSpecification.StreamViewType },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TimeToLiveAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    },
    WorkQueue: queue('work', 360, 'WorkDeadLetterQueue', 10),
    WorkDeadLetterQueue: queue('work-dlq'),
    NotifyQueue: queue('notify', 180, 'NotifyDeadLetterQueue', 5, true),
    NotifyDeadLetterQueue: queue('notify-dlq', 0, null, 0, true),
    StreamFailureQueue: queue('stream-failures'),
  },
  Outputs: {
    BrokerTableName: { Value: { Ref: 'BrokerTable' } },
    WorkDeadLetterQueueUrl: { Value: { Ref: 'WorkDeadLetterQueue' } },
    NotifyDeadLetterQueueUrl: { Value: { Ref: 'NotifyDeadLetterQueue' } },
    StreamFailureQueueUrl: { Value: { Ref: 'StreamFailureQueue' } },
  },
};

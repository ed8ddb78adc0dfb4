// serverless.yml `resources`: the broker table, defined by the same schema the local runner creates it from.
const { TimeToLiveAttribute, ...schema } = require('../adapters/dynamodb/table-schema.json');

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
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TimeToLiveAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    },
  },
  Outputs: {
    BrokerTableName: { Value: { Ref: 'BrokerTable' } },
  },
};

// The audit archive (stage parameter auditArchive=s3; docs/audit.md, Archive to S3 and Athena): every event on the
// stack's bus, delivered by a Firehose stream to an S3 bucket as one JSON object a line, under
// audit/dt=<yyyy-MM-dd>/ so Athena reads one day at a time (partition projection, no crawler).
const NAME = '${self:service}-${sls:stage}';

/** Trust policy for a role a service assumes. */
const assumedBy = (service) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
});

function auditArchive() {
  return {
    AuditArchiveBucket: {
      Type: 'AWS::S3::Bucket',
      // Evidence outlives the stack.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    },
    AuditArchiveDeliveryRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        // Named like the functions' roles (lpb-<stage>-<region>-…): the deployer's policy manages only those.
        RoleName: '${self:custom.rolePrefix}-audit-s3',
        AssumeRolePolicyDocument: assumedBy('firehose.amazonaws.com'),
        Policies: [
          {
            PolicyName: 'write-audit-archive',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:ListBucket'],
                  Resource: [
                    { 'Fn::GetAtt': ['AuditArchiveBucket', 'Arn'] },
                    { 'Fn::Sub': '${AuditArchiveBucket.Arn}/*' },
                  ],
                },
              ],
            },
          },
        ],
      },
    },
    AuditArchiveStream: {
      Type: 'AWS::KinesisFirehose::DeliveryStream',
      Properties: {
        DeliveryStreamName: `${NAME}-audit`,
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
        ExtendedS3DestinationConfiguration: {
          BucketARN: { 'Fn::GetAtt': ['AuditArchiveBucket', 'Arn'] },
          RoleARN: { 'Fn::GetAtt': ['AuditArchiveDeliveryRole', 'Arn'] },
          Prefix: 'audit/dt=!{timestamp:yyyy-MM-dd}/',
          ErrorOutputPrefix: 'audit-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
          BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 5 },
          CompressionFormat: 'GZIP',
          // One event a line: what Athena's JSON reader expects.
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [{ Type: 'AppendDelimiterToRecord', Parameters: [] }],
          },
        },
      },
    },
    AuditArchiveRuleRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: '${self:custom.rolePrefix}-audit-put',
        AssumeRolePolicyDocument: assumedBy('events.amazonaws.com'),
        Policies: [
          {
            PolicyName: 'deliver-audit-events',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
                  Resource: [{ 'Fn::GetAtt': ['AuditArchiveStream', 'Arn'] }],
                },
              ],
            },
          },
        ],
      },
    },
    AuditArchiveRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: 'Every audit event of the broker, to the S3 archive',
        EventBusName: { Ref: 'AuditEventBus' },
        EventPattern: { source: ['lambda-permission-broker'] },
        Targets: [
          {
            Id: 'archive',
            Arn: { 'Fn::GetAtt': ['AuditArchiveStream', 'Arn'] },
            RoleArn: { 'Fn::GetAtt': ['AuditArchiveRuleRole', 'Arn'] },
          },
        ],
      },
    },
  };
}

module.exports = { auditArchive };

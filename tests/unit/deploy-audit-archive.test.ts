/**
 * The audit archive (deploy/audit-archive.js; docs/audit.md, Archive to S3 and Athena): stage parameter auditArchive
 * adds a retained, private bucket, a Firehose stream writing one JSON line an event by day, and a rule on the stack's
 * bus that sends every broker event there, each service with only what it needs.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export {};
type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;
};
const { stageOptions } = require('../../deploy/stage-options.js') as {
  stageOptions: (resolve: (name: string) => Promise<unknown>) => Promise<Record<string, unknown>>;
};
const { resourcesFor } = require('../../deploy/resources.js') as {
  resourcesFor: (options: Record<string, unknown>) => Template;
};

const options = (params: Record<string, string>) =>
  stageOptions((name) =>
    Promise.resolve(({ reservedConcurrency: '1', ...params } as Record<string, string>)[name.replace(/^param:/, '')]),
  );
const ofType = (t: Template, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);

it('has the stack’s own bus and no archive by default', async () => {
  const template = resourcesFor(await options({}));
  expect(template.Resources.AuditEventBus).toEqual({
    Type: 'AWS::Events::EventBus',
    Properties: { Name: '${self:service}-${sls:stage}' },
  });
  expect(ofType(template, 'AWS::KinesisFirehose::DeliveryStream')).toEqual([]);
  expect(ofType(template, 'AWS::S3::Bucket')).toEqual([]);
});

it('with auditArchive=s3, delivers every broker event on the bus to a private, retained bucket, by day', async () => {
  const template = resourcesFor(await options({ auditArchive: 's3' }));
  const bucket = template.Resources.AuditArchiveBucket;
  expect(bucket?.DeletionPolicy).toBe('Retain');
  expect(bucket?.Properties.PublicAccessBlockConfiguration).toEqual({
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  });
  const stream = template.Resources.AuditArchiveStream?.Properties.ExtendedS3DestinationConfiguration;
  expect(stream).toMatchObject({ Prefix: 'audit/dt=!{timestamp:yyyy-MM-dd}/', CompressionFormat: 'GZIP' });
  expect(stream.ProcessingConfiguration.Processors).toEqual([{ Type: 'AppendDelimiterToRecord', Parameters: [] }]);
  const rule = template.Resources.AuditArchiveRule?.Properties;
  expect(rule).toMatchObject({
    EventBusName: { Ref: 'AuditEventBus' },
    EventPattern: { source: ['lambda-permission-broker'] },
    Targets: [{ Arn: { 'Fn::GetAtt': ['AuditArchiveStream', 'Arn'] } }],
  });
  // Each role does one thing: Firehose writes the bucket, EventBridge writes the stream.
  const actions = (id: string) =>
    (template.Resources[id]?.Properties.Policies as { PolicyDocument: { Statement: { Action: string[] }[] } }[])
      .flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => s.Action))
      .sort();
  expect(actions('AuditArchiveRuleRole')).toEqual(['firehose:PutRecord', 'firehose:PutRecordBatch']);
  expect(actions('AuditArchiveDeliveryRole')).toEqual([
    's3:AbortMultipartUpload',
    's3:GetBucketLocation',
    's3:ListBucket',
    's3:PutObject',
  ]);
});

it('refuses an archive it does not know', async () => {
  await expect(options({ auditArchive: 'glacier' })).rejects.toThrow('stage parameter auditArchive="glacier"');
});

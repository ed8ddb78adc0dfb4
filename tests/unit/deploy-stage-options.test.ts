/**
 * Stage parameters that shape the template (deploy/stage-options.js), and the resources each choice yields
 * (deploy/resources.js, deploy/monitoring.js): reserved concurrency, the table's name, where alarms go.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
interface Options {
  reservedConcurrency: number | null;
  tableName: string | null;
  alarmTopicArn: string | null;
  alarmEmail: string | null;
}
type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
  Outputs: Record<string, { Value: unknown }>;
  extensions: Record<string, { Properties: Record<string, unknown> }>;
};
const { stageOptions } = require('../../deploy/stage-options.js') as {
  stageOptions: (resolve: (name: string) => Promise<unknown>) => Promise<Options>;
};
const { resourcesFor } = require('../../deploy/resources.js') as { resourcesFor: (options: Options) => Template };

/** serverless.yml's defaults, overridden per test, answered as osls's resolveVariable would ('param:name'). */
const DEFAULTS: Record<string, string> = { reservedConcurrency: '1', tableName: '', alarmEmail: '', alarmTopicArn: '' };
const options = (params: Record<string, string> = {}) =>
  stageOptions((name) => Promise.resolve({ ...DEFAULTS, ...params }[name.replace(/^param:/, '')]));

describe('reservedConcurrency', () => {
  it('reserves 1 for each scheduled function by default, on the sweep and the reconcile only', async () => {
    const template = resourcesFor(await options());
    expect(template.extensions).toEqual({
      SweepLambdaFunction: { Properties: { ReservedConcurrentExecutions: 1 } },
      ReconcileLambdaFunction: { Properties: { ReservedConcurrentExecutions: 1 } },
    });
  });

  it.each(['none', '0'])('reserves nothing with %s (0 would stop the functions)', async (value) => {
    expect((await options({ reservedConcurrency: value })).reservedConcurrency).toBeNull();
    expect(resourcesFor(await options({ reservedConcurrency: value })).extensions).toEqual({});
  });

  it('takes another whole number', async () => {
    expect((await options({ reservedConcurrency: '3' })).reservedConcurrency).toBe(3);
  });

  it.each(['-1', '1.5', 'one', ''])('stops packaging on %j, naming the parameter', async (value) => {
    await expect(options({ reservedConcurrency: value })).rejects.toThrow(/reservedConcurrency=".*": expected/);
  });
});

describe('tableName', () => {
  it('lets CloudFormation name the table by default, so a removed stage can be deployed again', async () => {
    const table = resourcesFor(await options()).Resources.BrokerTable!;
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table.Properties.TableName).toBeUndefined();
  });

  it('keeps the name a stage gives (a table an earlier version named)', async () => {
    const table = resourcesFor(await options({ tableName: 'lambda-permission-broker-prod' })).Resources.BrokerTable!;
    expect(table.Properties.TableName).toBe('lambda-permission-broker-prod');
  });

  it('refuses a name DynamoDB would refuse', async () => {
    await expect(options({ tableName: 'my table' })).rejects.toThrow(/tableName="my table"/);
  });
});

describe('alarm destinations', () => {
  const actions = (template: Template) =>
    Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties.AlarmActions as unknown[]);

  it('makes a topic for the stage and sends every alarm to it', async () => {
    const template = resourcesFor(await options());
    expect(template.Resources.AlarmTopic?.Type).toBe('AWS::SNS::Topic');
    expect(template.Resources.AlarmEmailSubscription).toBeUndefined();
    expect(new Set(actions(template).map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify([{ Ref: 'AlarmTopic' }])]),
    );
  });

  it('subscribes an e-mail address to that topic', async () => {
    const template = resourcesFor(await options({ alarmEmail: 'oncall@example.com' }));
    expect(template.Resources.AlarmEmailSubscription?.Properties).toEqual({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('uses an existing topic instead of making one', async () => {
    const arn = 'arn:aws:sns:eu-west-1:111122223333:oncall';
    const template = resourcesFor(await options({ alarmTopicArn: arn }));
    expect(template.Resources.AlarmTopic).toBeUndefined();
    expect(actions(template).every((a) => JSON.stringify(a) === JSON.stringify([arn]))).toBe(true);
    expect(template.Outputs.AlarmTopicArn?.Value).toBe(arn);
  });

  it.each([
    [{ alarmTopicArn: 'oncall' }, /alarmTopicArn="oncall"/],
    [{ alarmEmail: 'oncall' }, /alarmEmail="oncall"/],
    [{ alarmEmail: 'a@example.com', alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:t' }, /no e-mail when/],
  ])('refuses %j', async (params, message) => {
    await expect(options(params)).rejects.toThrow(message);
  });
});

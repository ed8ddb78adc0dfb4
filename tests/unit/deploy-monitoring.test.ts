/**
 * deploy/monitoring.js: an alarm on every dead-letter queue, on FAILED grants, expiry lag, sweep and reconcile errors and
 * sustained throttling; every broker metric it watches is one the code emits; the dashboard is valid JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
type Resource = { Type: string; Properties: Record<string, any> };
const { resourcesFor } = require('../../deploy/resources.js') as {
  resourcesFor: (options: Record<string, unknown>) => { Resources: Record<string, Resource> };
};
const functions = require('../../deploy/functions.js') as Record<string, { events: Record<string, any>[] }>;

const ROOT = path.resolve(__dirname, '../..');
const { Resources } = resourcesFor({ reservedConcurrency: 1, tableName: null, alarmTopicArn: null, alarmEmail: null });
const alarms = Object.values(Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
const watched = (namespace: string, metric: string) =>
  alarms.filter((a) => a.Properties.Namespace === namespace && a.Properties.MetricName === metric);

it('watches every dead-letter queue: redrive targets and the stream’s failure destination', () => {
  const redriveTargets = Object.values(Resources)
    .map((r) => r.Properties.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0] as string | undefined)
    .filter((q) => q !== undefined);
  const streamDestinations = Object.values(functions)
    .flatMap((f) => f.events)
    .map((e) => e.stream?.destinations?.onFailure?.arn?.['Fn::GetAtt']?.[0] as string | undefined)
    .filter((q) => q !== undefined);
  const deadLetterQueues = [...redriveTargets, ...streamDestinations].sort();
  expect(deadLetterQueues).toEqual([
    'AuditFailureQueue',
    'NotifyDeadLetterQueue',
    'StreamFailureQueue',
    'WorkDeadLetterQueue',
  ]);
  const alarmed = watched('AWS/SQS', 'ApproximateNumberOfMessagesVisible').map((a) => ({
    queue: a.Properties.Dimensions[0].Value['Fn::GetAtt'][0],
    statistic: a.Properties.Statistic,
    threshold: a.Properties.Threshold,
    comparison: a.Properties.ComparisonOperator,
  }));
  expect(alarmed.map((a) => a.queue).sort()).toEqual(deadLetterQueues);
  for (const a of alarmed)
    expect(a).toMatchObject({ statistic: 'Maximum', threshold: 0, comparison: 'GreaterThanThreshold' });
});

it('alarms on FAILED grants, on expiry lag over 60 s, and on sustained Lambda throttling', () => {
  expect(watched('LambdaPermissionBroker', 'GrantsFailed')[0]?.Properties).toMatchObject({
    Statistic: 'Sum',
    Threshold: 0,
  });
  expect(watched('LambdaPermissionBroker', 'ExpiryLagSeconds')[0]?.Properties).toMatchObject({
    Statistic: 'Maximum',
    Threshold: 60,
  });
  expect(watched('LambdaPermissionBroker', 'ThrottlesMet')[0]?.Properties).toMatchObject({ EvaluationPeriods: 3 });
});

it('alarms on errors of the sweep and the reconcile', () => {
  expect(watched('AWS/Lambda', 'Errors').map((a) => a.Properties.Dimensions[0].Value)).toEqual([
    { Ref: 'SweepLambdaFunction' },
    { Ref: 'ReconcileLambdaFunction' },
  ]);
});

it('points each alarm at its runbook entry', () => {
  const runbook = readFileSync(path.join(ROOT, 'docs/runbook.md'), 'utf8');
  for (const a of alarms) {
    const name = /alarm (\S+)\.$/.exec(a.Properties.AlarmDescription as string)?.[1];
    expect({ name, documented: runbook.includes(`\`${name}\``) }).toEqual({ name, documented: true });
  }
});

/** Where the code emits broker metrics: lifecycle events, the sweep handler, the control-plane budget. */
const EMITTERS = [
  'adapters/metrics/grant-metrics.ts',
  'handlers/schedule/sweep.ts',
  'handlers/schedule/reconcile.ts',
  'handlers/app.ts',
];
const emitted = EMITTERS.map((f) => readFileSync(path.join(ROOT, f), 'utf8')).join('\n');

/** The dashboard's JSON with each CloudFormation value replaced by a placeholder. */
function dashboard(): { widgets: { properties: { metrics: unknown[][] } }[] } {
  const body = Resources.Dashboard!.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  return JSON.parse(body.map((part) => (typeof part === 'string' ? part : 'CFN')).join('')) as ReturnType<
    typeof dashboard
  >;
}

it('watches only metrics the code emits, alarms and dashboard alike', () => {
  const names = [
    ...alarms.filter((a) => a.Properties.Namespace === 'LambdaPermissionBroker').map((a) => a.Properties.MetricName),
    ...dashboard()
      .widgets.flatMap((w) => w.properties.metrics)
      .filter((m) => m[0] === 'LambdaPermissionBroker')
      .map((m) => m[1]),
  ] as string[];
  expect(names.length).toBeGreaterThan(8);
  for (const name of names) expect({ name, emitted: emitted.includes(`'${name}'`) }).toEqual({ name, emitted: true });
});

it('shows every function’s errors on the dashboard', () => {
  const errors = dashboard()
    .widgets.flatMap((w) => w.properties.metrics)
    .filter((m) => m[0] === 'AWS/Lambda' && m[1] === 'Errors');
  expect(errors.map((m) => (m[4] as { label: string }).label).sort()).toEqual(Object.keys(functions).sort());
});

it('flushes its metrics from every function that composes the app (each may count throttles it met)', () => {
  const entries = Object.values(functions as unknown as Record<string, { handler: string }>).map(
    (f) => `${f.handler.replace(/\.handler$/, '')}.ts`,
  );
  expect(entries.length).toBeGreaterThan(5);
  for (const entry of entries) {
    const source = readFileSync(path.join(ROOT, entry), 'utf8');
    // HTTP functions go through api-handler.ts, which flushes the metrics it is given.
    const flushes = /logMetrics\(metrics\)|lambdaApiHandler\(/.test(source);
    expect({ entry, flushes }).toEqual({ entry, flushes: true });
  }
});

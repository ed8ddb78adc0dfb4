/** MetricSink on Powertools Metrics (CloudWatch EMF, flushed at the end of each invocation by its middleware). */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricSink } from './grant-metrics';

export function powertoolsSink(metrics: Metrics): MetricSink {
  return {
    count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
    seconds: (name, value) => metrics.addMetric(name, MetricUnit.Seconds, value),
    milliseconds: (name, value) => metrics.addMetric(name, MetricUnit.Milliseconds, value),
  };
}

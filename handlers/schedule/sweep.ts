/** Lambda entry point for the EventBridge schedule (rate 1 minute): one sweep within the invocation's time. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaApp } from '../lambda-app';
import { logger } from '../logger';
import { metrics } from '../metrics';

/** Stop taking new items this long before the invocation times out. */
const SAFETY_MARGIN_MS = 5_000;

export const handler = middy<unknown, unknown, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (_event, context) => {
    const app = await lambdaApp('sweep');
    const started = Date.now();
    const report = await app.sweep({
      budgetMs: Math.max(1_000, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS),
    });
    metrics.addMetric('SweepDurationMs', MetricUnit.Milliseconds, Date.now() - started);
    // Grants past their end by more than a minute, whatever the cause: the overdue-removals alarm watches the oldest.
    metrics.addMetric('OverdueRemovals', MetricUnit.Count, report.overdue.count);
    metrics.addMetric('OldestOverdueRemovalSeconds', MetricUnit.Seconds, report.overdue.oldestSeconds);
    const { errors, ...counts } = report;
    logger.info('sweep finished', { ...counts });
    // One line per item left for later, correlated by the grant request's id.
    for (const e of errors)
      logger.warn('sweep left a request for the next run', { correlation_id: e.requestId, error: e.error });
    return report;
  });

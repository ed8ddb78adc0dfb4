/**
 * Lambda entry point for the hourly drift reconcile (EventBridge rate(1 hour)): every account side by side, each from
 * where the last run stopped (docs/runbook.md, Drift findings), until each went round once or the invocation's time is
 * nearly up.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaApp } from '../lambda-app';
import { logger } from '../logger';
import { metrics } from '../metrics';

/** Stop starting new functions this long before the invocation times out. */
const SAFETY_MARGIN_MS = 10_000;

export const handler = middy<unknown, unknown, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (_event, context) => {
    const app = await lambdaApp('reconcile');
    const budgetMs = Math.max(1_000, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS);
    const report = await app.reconcile({ resume: true, budgetMs });
    // How long ago the least recently checked function was checked: a run that cannot keep up shows here first.
    metrics.addMetric('ReconcileOldestCheckSeconds', MetricUnit.Seconds, report.oldestCheckSeconds ?? 0);
    logger.info('reconcile run finished', {
      checkedFunctions: report.checkedFunctions,
      orphansRemoved: report.orphansRemoved.length,
      missing: report.missing.length,
      failures: report.failures,
      accountsUnreachable: report.accountsUnreachable,
      oldestCheckSeconds: report.oldestCheckSeconds,
    });
    return { checkedFunctions: report.checkedFunctions, oldestCheckSeconds: report.oldestCheckSeconds };
  });

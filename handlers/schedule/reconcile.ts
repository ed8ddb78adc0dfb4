/** Lambda entry point for the hourly drift reconcile (EventBridge rate(1 hour)). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaApp } from '../lambda-app';
import { logger } from '../logger';
import { metrics } from '../metrics';

export const handler = middy<unknown, unknown, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async () => {
    const report = await (await lambdaApp('reconcile')).reconcile();
    logger.info('reconcile finished', {
      checkedFunctions: report.checkedFunctions,
      orphansRemoved: report.orphansRemoved.length,
      missing: report.missing.length,
      accountsUnreachable: report.accountsUnreachable,
    });
    return report;
  });

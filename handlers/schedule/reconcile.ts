/**
 * Lambda entry point for the hourly drift reconcile (EventBridge rate(1 hour)): page after page until every function
 * was checked or the invocation's time is nearly up (the next hour starts again from the first function).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
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
    let cursor: string | null = null;
    do {
      const budgetMs = context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS;
      if (budgetMs <= 0) break;
      const report = await app.reconcile({ cursor, budgetMs });
      logger.info('reconcile page finished', {
        checkedFunctions: report.checkedFunctions,
        orphansRemoved: report.orphansRemoved.length,
        missing: report.missing.length,
        failures: report.failures,
        accountsUnreachable: report.accountsUnreachable,
        more: report.nextCursor !== null,
      });
      cursor = report.nextCursor;
    } while (cursor !== null);
    return { done: cursor === null };
  });

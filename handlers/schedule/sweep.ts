/** Lambda entry point for the EventBridge schedule (rate 1 minute): one sweep within the invocation's time. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaApp } from '../lambda-app';
import { logger } from '../logger';

/** Stop taking new items this long before the invocation times out. */
const SAFETY_MARGIN_MS = 5_000;

export const handler = middy<unknown, unknown, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler(async (_event, context) => {
    const app = await lambdaApp();
    const deadline = new Date(Date.now() + Math.max(1_000, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS));
    const report = await app.sweep({ deadline });
    logger.info('sweep finished', { report });
    return report;
  });

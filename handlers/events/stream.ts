/** Lambda entry for the table's stream (DynamoDB Streams, filtered to request items): dispatches each change. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaApp } from '../lambda-app';
import { logger } from '../logger';
import { metrics } from '../metrics';
import { processStreamRecords } from './process-stream';

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const result = await processStreamRecords(await lambdaApp('stream'), event.Records);
    if (result.failedAt === null) return { batchItemFailures: [] };
    logger.warn('stream record failed; delivered again from it', { error: String(result.error) });
    return { batchItemFailures: [{ itemIdentifier: result.failedAt }] };
  });

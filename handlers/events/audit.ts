/**
 * Lambda entry for the table's stream, second consumer (docs/audit.md, Delivery): publishes each change's audit events
 * to the bus. Its own mapping, retries and failure queue, so a bus that refuses events holds up no grant.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaApp } from '../lambda-app';
import { logger } from '../logger';
import { metrics } from '../metrics';
import { processAuditRecords } from './process-audit';

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const result = await processAuditRecords(await lambdaApp('audit'), event.Records);
    if (result.failedAt === null) return { batchItemFailures: [] };
    logger.warn('audit events not published; delivered again from this record', { error: String(result.error) });
    return { batchItemFailures: [{ itemIdentifier: result.failedAt }] };
  });

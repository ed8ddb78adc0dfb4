/** Lambda entry for the Slack notification queue (SQS FIFO, grouped by request): brings Slack up to date. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaApp } from '../lambda-app';
import { logger } from '../logger';
import { metrics } from '../metrics';
import { processNotifyMessages } from './process-queues';

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  // Its Lambda calls (the policy a Slack message shows) count throttles met, like every other function's.
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const failed = await processNotifyMessages(
      await lambdaApp('notify'),
      event.Records.map((r) => ({
        messageId: r.messageId,
        body: r.body,
        ...(r.attributes.MessageGroupId ? { groupId: r.attributes.MessageGroupId } : {}),
      })),
    );
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  });

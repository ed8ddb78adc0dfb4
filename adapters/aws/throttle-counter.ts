/** Counts every 429 the SDK meets on a client (each attempt, before its own retry), for the ThrottlesMet metric. */
import type { LambdaClient } from '@aws-sdk/client-lambda';

export function countThrottles(client: LambdaClient, onThrottle: () => void): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 429 || (error as { name?: string }).name === 'TooManyRequestsException') onThrottle();
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'brokerThrottleCounter' },
  );
}

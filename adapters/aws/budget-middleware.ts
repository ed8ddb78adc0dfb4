/**
 * Puts every Lambda control-plane call of a client on its account's shared budget (docs/runbook.md, Throttling and the
 * Lambda budget), as SDK middleware inside the retry loop, so each attempt takes a slot. GetPolicy has a budget of its
 * own; GetFunction (100 rps of its own at AWS) is not counted. A 429 slows the whole account down for every broker
 * process, and is reported.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { BudgetBucket, ControlPlaneBudget } from './control-plane-budget';
import { awsErrorName, httpStatusOf } from './aws-errors';
import { currentDeadline } from './call-deadlines';

export function bucketOf(commandName: string | undefined): BudgetBucket | null {
  if (commandName === 'GetFunctionCommand') return null;
  if (commandName === 'GetPolicyCommand') return 'getPolicy';
  return 'control';
}

function retryAfterSeconds(error: unknown): number | null {
  const value = Number((error as { retryAfterSeconds?: unknown }).retryAfterSeconds);
  return Number.isFinite(value) && value > 0 ? value : null;
}

export function putOnBudget(
  client: LambdaClient,
  budget: ControlPlaneBudget,
  account: string,
  onThrottle: () => void = () => undefined,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const bucket = bucketOf(context.commandName);
      if (bucket === null) return next(args);
      await budget.take(account, bucket, currentDeadline());
      const started = performance.now();
      try {
        const output = await next(args);
        budget.observe(performance.now() - started);
        return output;
      } catch (error) {
        // The call's own time, before the penalty's table writes.
        budget.observe(performance.now() - started);
        if (httpStatusOf(error) === 429 || awsErrorName(error) === 'TooManyRequestsException') {
          onThrottle();
          await budget.penalize(account, bucket, retryAfterSeconds(error)).catch(() => undefined);
        }
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'brokerControlPlaneBudget' },
  );
}

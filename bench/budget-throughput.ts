/**
 * What the control-plane budget costs a cold process (docs/runbook.md, Throttling and the Lambda budget; issue #20):
 * calls taking a slot each in the shared per-second counter (DynamoDB on moto), then a stand-in Lambda answering in 100
 * ms, several at a time, from a process that has seen no call before. With AWS's settings (no guard band while calls
 * are quick) the rate should reach the budget; with the emulator's band (a floor, and a second when cold) it is shown
 * for comparison.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ControlPlaneBudget, type BudgetOptions } from '../adapters/aws/control-plane-budget';
import { DynamoSecondCounter } from '../adapters/dynamodb/budget-counter';
import type { BenchAws } from './bench-aws';

const CALL_MS = 100;
/** Enough callers that the budget, not their own pace, sets the rate (a call holds a caller ~100 ms plus the count). */
const WORKERS = 8;

export interface BudgetThroughput {
  perSecond: number;
  calls: number;
  /** Calendar seconds from the first call's start to the last one's, both included. */
  seconds: number;
  /** Calls per second over the whole seconds between the first and the last (which the run fills only in part). */
  steadyRate: number;
  ratio: number;
  /** Calls that started in the first second (a cold process's first moments). */
  firstSecond: number;
}

export async function measureBudgetThroughput(
  aws: BenchAws,
  perSecond: number,
  calls: number,
  bands: Pick<BudgetOptions, 'guardMs' | 'coldGuardMs'>,
  account: string,
): Promise<BudgetThroughput> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: aws.endpoint }));
  const budget = new ControlPlaneBudget(new DynamoSecondCounter(doc, aws.table), {
    perSecond,
    region: 'us-east-1',
    ...bands,
  });
  const starts: number[] = [];
  let left = calls;
  const worker = async () => {
    while (left > 0) {
      left--;
      await budget.take(account, 'control', null);
      starts.push(Date.now());
      const started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, CALL_MS));
      budget.observe(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const bySecond = starts.map((t) => Math.floor(t / 1000));
  const first = Math.min(...bySecond);
  const last = Math.max(...bySecond);
  const middle = bySecond.filter((s) => s > first && s < last).length;
  const steadyRate = last - first > 1 ? middle / (last - first - 1) : NaN;
  return {
    perSecond,
    calls,
    seconds: last - first + 1,
    steadyRate,
    ratio: steadyRate / perSecond,
    firstSecond: bySecond.filter((s) => s === first).length,
  };
}

/**
 * What the control-plane budget costs a cold process (API §11.2; issue #20): calls taking a slot each in the shared
 * per-second counter (DynamoDB on moto), then a stand-in Lambda answering in 100 ms, several at a time, from a process
 * that has seen no call before. With AWS's settings (no guard band while calls are quick) the rate should reach the
 * budget; with the emulator's band (a floor, and a second when cold) it is shown for comparison.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ControlPlaneBudget, type BudgetOptions } from '../adapters/aws/control-plane-budget';
import { DynamoSecondCounter } from '../adapters/dynamodb/budget-counter';
import type { BenchAws } from './bench-aws';

const CALL_MS = 100;
const WORKERS = 4;

export interface BudgetThroughput {
  perSecond: number;
  calls: number;
  /** Calendar seconds from the first call's start to the last one's, both included. */
  seconds: number;
  ratio: number;
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
  const seconds = Math.floor(Math.max(...starts) / 1000) - Math.floor(Math.min(...starts) / 1000) + 1;
  return { perSecond, calls, seconds, ratio: calls / seconds / perSecond };
}

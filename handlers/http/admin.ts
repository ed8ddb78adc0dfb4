/** Lambda entry point: admin operations. */
import { lambdaApiHandler } from './lambda-entry';
import { runReconcile, runSweep } from './operations/admin';

export const operations = { runSweep, runReconcile };
export const handler = lambdaApiHandler(operations);

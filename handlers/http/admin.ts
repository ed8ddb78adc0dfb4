/** Lambda entry point: admin operations. */
import { lambdaApiHandler } from './lambda-entry';
import { runSweep } from './operations/admin';

export const operations = { runSweep };
export const handler = lambdaApiHandler(operations);

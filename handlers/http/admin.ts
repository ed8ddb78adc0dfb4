/** Lambda entry point: admin operations. */
import { lambdaApiHandler } from './lambda-entry';
import { runReconcile, runSweep } from './operations/admin';
import { adoptStatement, discoverStatements } from './operations/adoption';

export const operations = { runSweep, runReconcile, discoverStatements, adoptStatement };
export const handler = lambdaApiHandler(operations);

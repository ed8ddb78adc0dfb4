/** Lambda entry point: admin operations. */
import { lambdaApiHandler } from './lambda-entry';
import { listAudit, runReconcile, runSweep } from './operations/admin';
import { adoptStatement, discoverStatements } from './operations/adoption';

export const operations = { runSweep, runReconcile, discoverStatements, adoptStatement, listAudit };
export const handler = lambdaApiHandler(operations);

/** Lambda entry point: admin operations. */
import { lambdaApp } from '../lambda-app';
import { apiHandler } from './api-handler';
import { runSweep } from './operations/admin';

export const operations = { runSweep };
export const handler = apiHandler(operations, lambdaApp);

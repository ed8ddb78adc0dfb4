/** Lambda entry point: GET /v1/health. */
import { lambdaApp } from '../lambda-app';
import { apiHandler } from './api-handler';
import { health } from './operations/health';

export const operations = { health };
export const handler = apiHandler(operations, lambdaApp);

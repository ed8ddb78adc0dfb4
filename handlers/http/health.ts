/** Lambda entry point: GET /v1/health and GET /v1/openapi.json. */
import { lambdaApiHandler } from './lambda-entry';
import { health, openApi } from './operations/health';

export const operations = { health, openApi };
export const handler = lambdaApiHandler(operations);

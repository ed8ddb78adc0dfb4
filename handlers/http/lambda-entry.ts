/** How each API Lambda function is built: the shared pipeline, the cold-start app, EMF metrics flushed per call. */
import { lambdaApp } from '../lambda-app';
import { metrics } from '../metrics';
import { apiHandler } from './api-handler';
import type { Operation } from './operation';

export function lambdaApiHandler(operations: Readonly<Record<string, Operation>>) {
  return apiHandler(operations, lambdaApp, { metrics });
}

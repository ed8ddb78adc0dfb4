/** How each API Lambda function is built: the shared pipeline, the cold-start app, EMF metrics flushed per call. */
import type { DeployedFunction } from '../config';
import { lambdaApp } from '../lambda-app';
import { metrics } from '../metrics';
import { apiHandler } from './api-handler';
import type { Operation } from './operation';
import { ROUTES } from './routes';

/** The function that serves these operations (routes.json's `function`), which sets its configuration's kind. */
export function functionServing(operations: Readonly<Record<string, Operation>>): DeployedFunction {
  const served = new Set(ROUTES.filter((r) => r.operation in operations).map((r) => r.function));
  const [fn] = served;
  if (served.size !== 1 || fn === undefined)
    throw new Error(`operations must belong to one function, not ${[...served].join(', ')}`);
  return fn as DeployedFunction;
}

export function lambdaApiHandler(operations: Readonly<Record<string, Operation>>) {
  const fn = functionServing(operations);
  return apiHandler(operations, () => lambdaApp(fn), { metrics });
}

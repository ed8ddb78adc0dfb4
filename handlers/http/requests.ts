/** Lambda entry point: create, read and list requests. */
import { lambdaApiHandler } from './lambda-entry';
import { createRequest, getRequest, listRequests } from './operations/requests';

export const operations = { createRequest, listRequests, getRequest };
export const handler = lambdaApiHandler(operations);

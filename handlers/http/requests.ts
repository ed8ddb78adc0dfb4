/** Lambda entry point: create, read and list requests. */
import { lambdaApiHandler } from './lambda-entry';
import { getCatalog } from './operations/catalog';
import { createRequest, getRequest, listRequests } from './operations/requests';

export const operations = { createRequest, listRequests, getRequest, getCatalog };
export const handler = lambdaApiHandler(operations);

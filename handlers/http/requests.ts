/** Lambda entry point: create, read and list requests. */
import { lambdaApp } from '../lambda-app';
import { apiHandler } from './api-handler';
import { createRequest, getRequest, listRequests } from './operations/requests';

export const operations = { createRequest, listRequests, getRequest };
export const handler = apiHandler(operations, lambdaApp);

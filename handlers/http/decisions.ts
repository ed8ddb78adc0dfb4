/** Lambda entry point: approve, reject, cancel and revoke. */
import { lambdaApp } from '../lambda-app';
import { apiHandler } from './api-handler';
import { approveRequest, cancelRequest, rejectRequest, revokeRequest } from './operations/decisions';

export const operations = { approveRequest, rejectRequest, cancelRequest, revokeRequest };
export const handler = apiHandler(operations, lambdaApp);

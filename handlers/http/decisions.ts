/** Lambda entry point: approve, reject, cancel and revoke. */
import { lambdaApiHandler } from './lambda-entry';
import { approveRequest, cancelRequest, rejectRequest, revokeRequest } from './operations/decisions';

export const operations = { approveRequest, rejectRequest, cancelRequest, revokeRequest };
export const handler = lambdaApiHandler(operations);

/** Lambda entry point: approve, reject, cancel, revoke and extend. */
import { lambdaApiHandler } from './lambda-entry';
import { approveRequest, cancelRequest, extendRequest, rejectRequest, revokeRequest } from './operations/decisions';

export const operations = { approveRequest, rejectRequest, cancelRequest, revokeRequest, extendRequest };
export const handler = lambdaApiHandler(operations);

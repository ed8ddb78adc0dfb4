/** Lambda entry point: the allowlist endpoints. */
import { lambdaApp } from '../lambda-app';
import { apiHandler } from './api-handler';
import { deleteAllowlistEntry, getAllowlistEntry, listAllowlist, putAllowlistEntry } from './operations/allowlist';

export const operations = { listAllowlist, getAllowlistEntry, putAllowlistEntry, deleteAllowlistEntry };
export const handler = apiHandler(operations, lambdaApp);

/** Lambda entry point: the allowlist endpoints. */
import { lambdaApiHandler } from './lambda-entry';
import { deleteAllowlistEntry, getAllowlistEntry, listAllowlist, putAllowlistEntry } from './operations/allowlist';

export const operations = { listAllowlist, getAllowlistEntry, putAllowlistEntry, deleteAllowlistEntry };
export const handler = lambdaApiHandler(operations);

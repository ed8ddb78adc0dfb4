/** Lambda entry point: the allowlist endpoints and the impact preview. */
import { lambdaApiHandler } from './lambda-entry';
import {
  deleteAllowlistEntry,
  getAllowlistEntry,
  listAllowlist,
  previewAllowlistDelete,
  previewAllowlistPut,
  putAllowlistEntry,
} from './operations/allowlist';

export const operations = {
  listAllowlist,
  getAllowlistEntry,
  putAllowlistEntry,
  deleteAllowlistEntry,
  previewAllowlistDelete,
  previewAllowlistPut,
};
export const handler = lambdaApiHandler(operations);

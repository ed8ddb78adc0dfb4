/** Lambda entry point: the allowlist endpoints and the impact preview. */
import { lambdaApiHandler } from './lambda-entry';
import {
  approveAllowlistChange,
  deleteAllowlistEntry,
  listAllowlistChanges,
  rejectAllowlistChange,
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
  listAllowlistChanges,
  approveAllowlistChange,
  rejectAllowlistChange,
};
export const handler = lambdaApiHandler(operations);

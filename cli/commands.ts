/** Every `lpb` command by name; two-word names (`allowlist put`) are subcommands. */
import type { Command } from './command';
import { adopt, discover, reconcile, sweep } from './commands/admin';
import { allowlistApply, allowlistExport, allowlistPlan } from './commands/allowlist-code';
import { allowlistApprove, allowlistChanges, allowlistReject } from './commands/allowlist-changes';
import { audit } from './commands/audit';
import { allowlistDelete, allowlistGet, allowlistImpact, allowlistList, allowlistPut } from './commands/allowlist';
import { consoleCommand } from './commands/console';
import { approve, cancel, catalog, create, extend, get, list, reject, revoke } from './commands/requests';

export const COMMANDS: Record<string, Command> = {
  create,
  get,
  list,
  approve,
  reject,
  cancel,
  revoke,
  extend,
  catalog,
  console: consoleCommand,
  'allowlist list': allowlistList,
  'allowlist get': allowlistGet,
  'allowlist put': allowlistPut,
  'allowlist delete': allowlistDelete,
  'allowlist impact': allowlistImpact,
  'allowlist export': allowlistExport,
  'allowlist plan': allowlistPlan,
  'allowlist apply': allowlistApply,
  'allowlist changes': allowlistChanges,
  'allowlist approve': allowlistApprove,
  'allowlist reject': allowlistReject,
  sweep,
  reconcile,
  discover,
  adopt,
  audit,
};

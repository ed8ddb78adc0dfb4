/** Admin commands on allowlist entries: list, get, put (JSON file or stdin), delete, and the impact preview. */
import { idPath, str, type ApiCommand } from '../command';
import { InputError, readJsonInput } from '../json-input';
import { allowlistTable, impactView } from '../output/entry-views';

const file = {
  type: 'string',
  description: 'the entry as JSON (docs/api.md, Allowlist entries); - or nothing reads standard input',
} as const;

export const allowlistList: ApiCommand = {
  summary: 'List allowlist entries (admins)',
  usage: 'lpb allowlist list',
  args: [],
  view: allowlistTable,
  options: {},
  send: ({ client }) => client.call('GET', 'v1/allowlist'),
};

export const allowlistGet: ApiCommand = {
  summary: 'Show one allowlist entry (admins)',
  usage: 'lpb allowlist get ENTRY_ID',
  args: ['entry-id'],
  options: {},
  send: ({ client, args }) => client.call('GET', `v1/allowlist/${idPath(args)}`),
};

export const allowlistPut: ApiCommand = {
  summary: 'Create or replace an allowlist entry from JSON (admins); preview first with allowlist impact',
  usage: 'lpb allowlist put ENTRY_ID [--file entry.json]   (or: lpb allowlist put ENTRY_ID < entry.json)',
  args: ['entry-id'],
  options: { file },
  send: async ({ client, args, values, io }) =>
    client.call('PUT', `v1/allowlist/${idPath(args)}`, { body: await readJsonInput(str(values.file), io) }),
};

export const allowlistDelete: ApiCommand = {
  summary: 'Delete an allowlist entry (admins); live grants it permits are re-matched',
  usage: 'lpb allowlist delete ENTRY_ID',
  args: ['entry-id'],
  options: {},
  send: ({ client, args }) => client.call('DELETE', `v1/allowlist/${idPath(args)}`),
};

export const allowlistImpact: ApiCommand = {
  summary: 'Preview what a change (--file) or a delete (--delete) would do to live requests; changes nothing',
  usage: 'lpb allowlist impact ENTRY_ID (--file entry.json | --delete)',
  args: ['entry-id'],
  view: impactView,
  options: { file, delete: { type: 'boolean', description: 'preview deleting the entry' } },
  send: async ({ client, args, values, io }) => {
    const path = `v1/allowlist/${idPath(args)}/impact`;
    if (values.delete === true) {
      if (values.file !== undefined) throw new InputError('--file and --delete: give one of them');
      return client.call('GET', path);
    }
    return client.call('POST', path, { body: await readJsonInput(str(values.file), io) });
  },
};

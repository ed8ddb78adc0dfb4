/**
 * The two-person rule from the command line (docs/allowlist-as-code.md, The two-person rule): list proposed allowlist
 * changes, approve or reject one (another admin than the proposer).
 */
import { idPath, optional, str, withQuery, type ApiCommand } from '../command';

const comment = { type: 'string', description: 'why (1-1000 characters)' } as const;

export const allowlistChanges: ApiCommand = {
  summary: 'List proposed allowlist changes, newest first (admins; the two-person rule)',
  usage: 'lpb allowlist changes [--status PENDING|APPROVED|REJECTED]',
  args: [],
  options: { status: { type: 'string', description: 'only changes in this status' } },
  send: ({ client, values }) => client.call('GET', withQuery('v1/allowlist/changes', optional(values, 'status'))),
};

export const allowlistApprove: ApiCommand = {
  summary: 'Approve a proposed allowlist change: it is applied (another admin than the proposer)',
  usage: 'lpb allowlist approve CHANGE_ID [--comment C]',
  args: ['change-id'],
  options: { comment },
  send: ({ client, args, values }) =>
    client.call('POST', `v1/allowlist/changes/${idPath(args)}/approve`, {
      body: str(values.comment) === undefined ? {} : { comment: str(values.comment) },
    }),
};

export const allowlistReject: ApiCommand = {
  summary: 'Reject a proposed allowlist change: nothing changes (another admin than the proposer)',
  usage: 'lpb allowlist reject CHANGE_ID [--comment C]',
  args: ['change-id'],
  options: { comment },
  send: ({ client, args, values }) =>
    client.call('POST', `v1/allowlist/changes/${idPath(args)}/reject`, {
      body: str(values.comment) === undefined ? {} : { comment: str(values.comment) },
    }),
};

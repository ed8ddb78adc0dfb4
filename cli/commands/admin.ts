/** Admin operations: sweep and reconcile now, find unmanaged statements, adopt one as a managed grant. */
import { optional, str, withQuery, type ApiCommand } from '../command';
import { parseDuration } from '../duration';
import { discoverTable } from '../output/entry-views';
import { requestSummary } from '../output/request-views';

export const sweep: ApiCommand = {
  summary: 'Run one sweep now (admins)',
  usage: 'lpb sweep',
  args: [],
  options: {},
  send: ({ client }) => client.call('POST', 'v1/admin/sweep', { body: {} }),
};

export const reconcile: ApiCommand = {
  summary: 'Compare policies with ACTIVE grants and repair drift now (admins)',
  usage: 'lpb reconcile',
  args: [],
  options: {},
  send: ({ client }) => client.call('POST', 'v1/admin/reconcile', { body: {} }),
};

export const discover: ApiCommand = {
  summary: "List statements in functions' policies that the broker does not manage (admins)",
  usage: 'lpb discover [--limit 50] [--next-token T]',
  args: [],
  view: discoverTable,
  options: {
    limit: { type: 'string', description: 'policies to read, 1-100 (default 50)' },
    'next-token': { type: 'string', description: 'from the previous page' },
  },
  send: ({ client, values: v }) =>
    client.call(
      'GET',
      withQuery('v1/admin/discover', { ...optional(v, 'limit'), ...optional(v, 'next-token', 'nextToken') }),
    ),
};

export const adopt: ApiCommand = {
  summary: 'Turn an unmanaged statement into a managed, expiring grant (admins)',
  usage: 'lpb adopt --function-arn ARN --statement-id SID --duration 7d --reason TEXT [--qualifier Q]',
  args: [],
  waitFor: ['ACTIVE'],
  view: requestSummary,
  options: {
    'function-arn': { type: 'string', description: 'the function whose policy holds the statement', required: true },
    'statement-id': { type: 'string', description: 'the Sid of the statement to adopt', required: true },
    qualifier: { type: 'string', description: 'version or alias whose policy holds it' },
    duration: {
      type: 'string',
      description: 'how long the adopted grant lasts: seconds, 90m, 12h, 7d',
      required: true,
    },
    reason: { type: 'string', description: 'why (10-1000 characters)', required: true },
  },
  send: ({ client, values: v }) => {
    const qualifier = str(v.qualifier);
    return client.call('POST', 'v1/admin/adopt', {
      body: {
        functionArn: str(v['function-arn']),
        ...(qualifier === undefined ? {} : { qualifier }),
        statementId: str(v['statement-id']),
        durationSeconds: parseDuration(str(v.duration) ?? ''),
        reason: str(v.reason),
      },
    });
  },
};

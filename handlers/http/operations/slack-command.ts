/**
 * POST /v1/slack/commands: the signed `/lpb` slash command (docs/slack.md, A requester's day in Slack). The caller is
 * the identity its Slack user is linked to in BROKER_SLACK_USERS; an unlinked user is told how to get linked and
 * nothing else happens. `/lpb request` opens the request modal (views.open on the command's trigger_id, which Slack
 * honours for 3 s) built from the caller's catalog; `/lpb list` answers the caller's PENDING and ACTIVE requests with
 * their buttons; anything else answers the help. Every answer is ephemeral: only the caller sees it.
 */
import * as z from 'zod';
import type { GrantRequest } from '../../../domain/model/request';
import { requesterOfSlackUser, type Identity } from '../../../domain/rulebook/identity';
import { requestModal } from '../../../adapters/slack/request-modal';
import { HELP_TEXT, grantList, notLinkedText } from '../../../adapters/slack/requester-messages';
import type { App } from '../../app';
import type { Operation, OperationResult } from '../operation';
import { parseOrThrow } from '../schemas';
import { ephemeral, requireSlackSignature } from './slack-signed';

/** The fields of Slack's command payload the broker reads (Slack sends more; they are ignored). */
const slashCommand = z.object({
  user_id: z.string().regex(/^[UW][A-Z0-9]{2,20}$/),
  text: z.string().max(4000).default(''),
  trigger_id: z.string().min(1).max(255).optional(),
});

async function openRequestModal(app: App, caller: Identity, triggerId: string | undefined): Promise<OperationResult> {
  const items = await app.catalog(caller);
  if (items.length === 0) {
    return ephemeral('No allowlist entry lists you as a requester, so there is nothing to ask for yet.');
  }
  if (app.slack.openView === null || triggerId === undefined) {
    return ephemeral('The request form cannot open here: the broker has no Slack bot token configured.');
  }
  const opened = await app.slack.openView(triggerId, requestModal(items, app.settings.minDurationSeconds));
  return opened.ok ? { statusCode: 200 } : ephemeral(`The request form could not open (Slack said ${opened.error}).`);
}

/** The caller's own waiting and live requests, newest first as the store lists them. */
async function myGrants(app: App, caller: Identity): Promise<GrantRequest[]> {
  const pages = await Promise.all(
    (['PENDING', 'SCHEDULED', 'ACTIVE'] as const).map((status) =>
      app.listRequests({ caller, status, functionName: null, limit: 100, nextToken: null, mine: true }),
    ),
  );
  return pages.flatMap((p) => p.items);
}

export const slackCommand: Operation = async (input, app) => {
  requireSlackSignature(input, app);
  const command = parseOrThrow(slashCommand, Object.fromEntries(new URLSearchParams(input.rawBody ?? '')));
  const caller = requesterOfSlackUser(command.user_id, app.settings);
  if (caller === null) return ephemeral(notLinkedText(command.user_id));
  const verb = command.text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (verb === 'request') return openRequestModal(app, caller, command.trigger_id);
  if (verb === 'list') {
    const { text, blocks } = grantList(await myGrants(app, caller));
    return ephemeral(text, blocks);
  }
  return ephemeral(HELP_TEXT);
};

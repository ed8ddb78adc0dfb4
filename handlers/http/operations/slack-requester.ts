/**
 * A requester's buttons in Slack (docs/slack.md, A requester's day in Slack): Extend, Revoke and Cancel in `/lpb list`,
 * and Extend in the expiry notice. The clicking user acts as the identity it is linked to, through the same use cases
 * as REST; Extend opens the extend modal on the click's trigger_id, whose submission creates the extension
 * (slack-submission.ts). A refusal answers ephemerally, as for approvers.
 */
import { MAX_DURATION_SECONDS } from '../../../domain/settings';
import { extensionRoomSeconds } from '../../../domain/rulebook/extension';
import { requesterOfSlackUser, type Identity } from '../../../domain/rulebook/identity';
import { extendModal } from '../../../adapters/slack/request-modal';
import { notLinkedText } from '../../../adapters/slack/requester-messages';
import type { App } from '../../app';
import type { OperationResult } from '../operation';
import { REQUEST_ID } from '../schemas';
import { REFUSALS, refuseClick, type BlockActions } from './slack-signed';

export const REQUESTER_ACTIONS: ReadonlySet<string> = new Set(['extend', 'revoke', 'cancel']);

async function openExtendModal(app: App, caller: Identity, id: string, triggerId: string | undefined) {
  const grant = await app.getRequest(caller, id);
  if (app.slack.openView === null || triggerId === undefined) return 'the broker has no Slack bot token configured';
  const entry = (await app.catalog(caller)).find((i) => i.entryId === grant.allowlistEntryId);
  // At most what the rulebook would allow now: the time left and the extension together within the entry's maximum.
  const room = extensionRoomSeconds(grant, entry?.maxDurationSeconds ?? MAX_DURATION_SECONDS, app.clock.now());
  const modal = extendModal(grant, app.settings.minDurationSeconds, room);
  const opened = await app.slack.openView(triggerId, modal);
  return opened.ok ? null : `the extend form could not open (Slack said ${opened.error})`;
}

/** Tells the clicking user what happened, through the click's response_url (queued). */
async function tell(app: App, click: BlockActions, text: string): Promise<OperationResult> {
  const body = { response_type: 'ephemeral', replace_original: false, text };
  if (click.response_url && app.slack.mayRespondTo(click.response_url))
    await app.slack.respond(click.response_url, body);
  return { statusCode: 200, body };
}

export async function requesterClick(click: BlockActions, app: App): Promise<OperationResult> {
  const action = click.actions[0] as { action_id: string; value?: string };
  const caller = requesterOfSlackUser(click.user.id, app.settings);
  if (caller === null) return tell(app, click, notLinkedText(click.user.id));
  const id = action.value ?? '';
  if (!REQUEST_ID.test(id)) return refuseClick(click, app, 'the button does not name a request');
  try {
    if (action.action_id === 'extend') {
      const refused = await openExtendModal(app, caller, id, click.trigger_id);
      return refused === null ? { statusCode: 200 } : refuseClick(click, app, refused);
    }
    if (action.action_id === 'revoke') {
      await app.revokeRequest(caller, id, 'revoked from Slack');
      return tell(app, click, `Revoking \`${id}\`: the permission is being removed; a direct message follows.`);
    }
    await app.cancelRequest(caller, id);
    return tell(app, click, `Request \`${id}\` is CANCELLED.`);
  } catch (error) {
    if (REFUSALS.some((type) => error instanceof type)) return refuseClick(click, app, (error as Error).message);
    throw error;
  }
}

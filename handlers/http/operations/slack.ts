/**
 * POST /v1/slack/interactions: signed Slack interactivity. A button click in an approval message is decided exactly as
 * a REST approve/reject by `slack:<user id>`; a requester's Extend / Revoke / Cancel click and a submitted request or
 * extend modal act as the identity the Slack user is linked to (slack-requester.ts, slack-submission.ts). A bad
 * signature is 401 and changes nothing; a refused decision (not eligible, self-approval, stale statement, already
 * decided) is a 200 with an ephemeral refusal, also sent to the click's response_url.
 * Answers within Slack's patience (1 s; docs/api.md, Answers, and the work behind them): only the decision is stored
 * here; applying the grant, updating the message and the response_url post all happen behind the answer, from the
 * queues.
 */
import * as z from 'zod';
import { ValidationError } from '../../../domain/errors';
import { identityOfSlackUser } from '../../../domain/rulebook/identity';
import { viewSubmission } from '../../../adapters/slack/modal-submission';
import type { App } from '../../app';
import type { Operation, OperationResult } from '../operation';
import { parseOrThrow } from '../schemas';
import { REQUESTER_ACTIONS, requesterClick } from './slack-requester';
import { REFUSALS, blockActions, refuseClick, requireSlackSignature, type BlockActions } from './slack-signed';
import { submitView } from './slack-submission';

const buttonValue = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

async function decide(click: BlockActions, app: App): Promise<OperationResult> {
  const action = click.actions[0] as { action_id: string; value?: string };
  if (action.action_id !== 'approve' && action.action_id !== 'reject')
    return refuseClick(click, app, `unknown action ${action.action_id}`);
  let value: z.infer<typeof buttonValue>;
  try {
    value = buttonValue.parse(JSON.parse(action.value ?? ''));
  } catch {
    return refuseClick(click, app, 'the button does not name a request');
  }
  const approver = identityOfSlackUser(click.user.id, app.settings);
  const command = { approver, id: value.id, comment: null, statementHash: value.hash };
  try {
    if (action.action_id === 'approve') await app.decide.approve(command);
    else await app.decide.reject(command);
  } catch (error) {
    if (REFUSALS.some((type) => error instanceof type)) return refuseClick(click, app, (error as Error).message);
    throw error;
  }
  return { statusCode: 200 };
}

export const slackInteraction: Operation = async (input, app) => {
  requireSlackSignature(input, app);
  let payload: unknown;
  try {
    payload = JSON.parse(new URLSearchParams(input.rawBody ?? '').get('payload') ?? '');
  } catch {
    throw ValidationError.field('payload', 'is not JSON');
  }
  const type = (payload as { type?: unknown } | null)?.type;
  if (type === 'view_submission') return submitView(parseOrThrow(viewSubmission, payload, 'payload'), app);
  if (type !== 'block_actions') return { statusCode: 200 };
  const click = parseOrThrow(blockActions, payload, 'payload');
  if (REQUESTER_ACTIONS.has(click.actions[0]?.action_id ?? '')) return requesterClick(click, app);
  return decide(click, app);
};

/**
 * POST /v1/slack/interactions: a signed Slack button click, decided exactly as a REST approve/reject by
 * `slack:<user id>`. A bad signature is 401 and changes nothing; a refused decision (not eligible, self-approval,
 * stale statement, already decided) is a 200 with an ephemeral refusal, also sent to the click's response_url.
 * Answers within Slack's patience (1 s; docs/api.md, Answers, and the work behind them): only the decision is stored here; applying the grant, updating
 * the message and the response_url post all happen behind the answer, from the queues.
 */
import * as z from 'zod';
import {
  NotFoundError,
  RefusedError,
  StateConflictError,
  UnauthenticatedError,
  ValidationError,
} from '../../../domain/errors';
import { identityOfSlackUser } from '../../../domain/rulebook/identity';
import { verifySlackSignature } from '../../../adapters/slack/signature';
import type { Operation } from '../operation';
import { parseOrThrow } from '../schemas';

const buttonValue = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

const blockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]{2,20}$/) }),
  response_url: z.string().url().optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        value: z.string().max(2000).optional(),
      }),
    )
    .min(1),
});

const REFUSALS = [RefusedError, StateConflictError, NotFoundError, ValidationError];

export const slackInteraction: Operation = async (input, app) => {
  const { signingSecret } = app.slack;
  const signed =
    signingSecret !== null &&
    verifySlackSignature({
      secret: signingSecret,
      timestamp: input.headers['x-slack-request-timestamp'],
      signature: input.headers['x-slack-signature'],
      rawBody: input.rawBody ?? '',
      nowSeconds: Math.floor(app.slack.now().getTime() / 1000),
    });
  if (!signed) throw new UnauthenticatedError('invalid Slack signature');

  let payload: unknown;
  try {
    payload = JSON.parse(new URLSearchParams(input.rawBody ?? '').get('payload') ?? '');
  } catch {
    throw ValidationError.field('payload', 'is not JSON');
  }
  if ((payload as { type?: unknown } | null)?.type !== 'block_actions') return { statusCode: 200 };
  const click = parseOrThrow(blockActions, payload, 'payload');
  const action = click.actions[0] as { action_id: string; value?: string };

  const refuse = async (reason: string) => {
    const body = { response_type: 'ephemeral', replace_original: false, text: `Not recorded: ${reason}` };
    if (click.response_url && app.slack.mayRespondTo(click.response_url))
      await app.slack.respond(click.response_url, body);
    return { statusCode: 200, body };
  };
  if (action.action_id !== 'approve' && action.action_id !== 'reject')
    return refuse(`unknown action ${action.action_id}`);
  let value: z.infer<typeof buttonValue>;
  try {
    value = buttonValue.parse(JSON.parse(action.value ?? ''));
  } catch {
    return refuse('the button does not name a request');
  }

  const approver = identityOfSlackUser(click.user.id, app.settings);
  const command = { approver, id: value.id, comment: null, statementHash: value.hash };
  try {
    if (action.action_id === 'approve') await app.decide.approve(command);
    else await app.decide.reject(command);
  } catch (error) {
    if (REFUSALS.some((type) => error instanceof type)) return refuse((error as Error).message);
    throw error;
  }
  return { statusCode: 200 };
};

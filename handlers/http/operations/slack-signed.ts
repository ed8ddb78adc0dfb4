/**
 * What every Slack route checks first (docs/api.md, Slack approvals): the request's signature over its raw,
 * still form-encoded bytes, within five minutes either way. A missing, malformed, wrong or stale signature is 401 and
 * changes nothing. Also the small answers Slack shows only to the person who acted.
 */
import * as z from 'zod';
import {
  NotFoundError,
  RefusedError,
  StateConflictError,
  UnauthenticatedError,
  ValidationError,
} from '../../../domain/errors';
import { verifySlackSignature } from '../../../adapters/slack/signature';
import type { OperationInput, OperationResult } from '../operation';
import type { App } from '../../app';

export function requireSlackSignature(input: OperationInput, app: Pick<App, 'slack'>): void {
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
}

/** An answer only the acting Slack user sees. */
export function ephemeral(text: string, blocks?: unknown[]): OperationResult {
  return {
    statusCode: 200,
    body: { response_type: 'ephemeral', replace_original: false, text, ...(blocks ? { blocks } : {}) },
  };
}

export const blockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]{2,20}$/) }),
  response_url: z.string().url().optional(),
  trigger_id: z.string().max(255).optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        value: z.string().max(2000).optional(),
      }),
    )
    .min(1),
});

export type BlockActions = z.infer<typeof blockActions>;

export const REFUSALS = [RefusedError, StateConflictError, NotFoundError, ValidationError];

/** Answers a click with an ephemeral refusal, also through its response_url (queued, behind the answer). */
export async function refuseClick(click: BlockActions, app: App, reason: string): Promise<OperationResult> {
  const body = { response_type: 'ephemeral', replace_original: false, text: `Not recorded: ${reason}` };
  if (click.response_url && app.slack.mayRespondTo(click.response_url))
    await app.slack.respond(click.response_url, body);
  return { statusCode: 200, body };
}

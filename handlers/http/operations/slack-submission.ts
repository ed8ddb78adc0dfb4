/**
 * A submitted modal (docs/slack.md, A requester's day in Slack): the request modal creates the request exactly as
 * `POST /v1/requests` by the identity the Slack user is linked to, the extend modal the extension exactly as
 * `POST /v1/requests/{id}/extend`. A refusal answers `response_action: errors`, keyed by the block that holds the
 * field, and stores nothing; success answers an empty 200, which closes the modal (the direct message that follows
 * comes from the stored history, like every other).
 */
import {
  NotFoundError,
  RefusedError,
  StateConflictError,
  UnavailableError,
  ValidationError,
  type FieldIssue,
} from '../../../domain/errors';
import { requesterOfSlackUser, type Identity } from '../../../domain/rulebook/identity';
import {
  askOf,
  blockErrors,
  extensionOf,
  submittedValues,
  type ViewSubmission,
} from '../../../adapters/slack/modal-submission';
import { EXTEND_CALLBACK_ID, REQUEST_CALLBACK_ID } from '../../../adapters/slack/request-modal';
import { notLinkedText } from '../../../adapters/slack/requester-messages';
import type { App } from '../../app';
import type { OperationResult } from '../operation';
import { REQUEST_ID, createRequestBody, extendBody, parseOrThrow } from '../schemas';

/** Refusals a requester can act on from the modal: shown on the blocks, nothing stored. */
const FIELD_REFUSALS = [ValidationError, RefusedError, StateConflictError, NotFoundError, UnavailableError];

function errorsAnswer(errors: Record<string, string>): OperationResult {
  return { statusCode: 200, body: { response_action: 'errors', errors } };
}

async function createFrom(app: App, caller: Identity, submission: ViewSubmission, values: Record<string, string>) {
  const ask = parseOrThrow(createRequestBody, askOf(values));
  const viewId = submission.view.id;
  await app.createRequest({
    caller,
    ask,
    dryRun: false,
    // A second submission of the same modal (a double click) finds the first request instead of making another.
    idempotencyKey: viewId === undefined ? null : `slack-view-${viewId}`,
  });
}

async function extendFrom(app: App, caller: Identity, submission: ViewSubmission, values: Record<string, string>) {
  const id = submission.view.private_metadata ?? '';
  if (!REQUEST_ID.test(id)) throw ValidationError.field('durationSeconds', 'the form does not name a grant');
  const body = parseOrThrow(extendBody, extensionOf(values));
  await app.extendRequest({
    caller,
    id,
    durationSeconds: body.durationSeconds,
    reason: body.reason,
    ticket: body.ticket ?? null,
  });
}

export async function submitView(submission: ViewSubmission, app: App): Promise<OperationResult> {
  const callback = submission.view.callback_id;
  if (callback !== REQUEST_CALLBACK_ID && callback !== EXTEND_CALLBACK_ID) return { statusCode: 200 };
  const values = submittedValues(submission);
  const shown = Object.keys(submission.view.state.values);
  const fallback = callback === REQUEST_CALLBACK_ID ? 'function' : 'durationSeconds';
  const caller = requesterOfSlackUser(submission.user.id, app.settings);
  if (caller === null) return errorsAnswer({ [fallback]: notLinkedText(submission.user.id) });
  try {
    if (callback === REQUEST_CALLBACK_ID) await createFrom(app, caller, submission, values);
    else await extendFrom(app, caller, submission, values);
  } catch (error) {
    if (!FIELD_REFUSALS.some((type) => error instanceof type)) throw error;
    const issues: readonly FieldIssue[] = (error as { details?: FieldIssue[] }).details ?? [];
    return errorsAnswer(blockErrors(issues, (error as Error).message, shown, fallback));
  }
  return { statusCode: 200 };
}

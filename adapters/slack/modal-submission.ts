/**
 * Reading a modal's `view_submission` (docs/slack.md, A requester's day in Slack): the values of its input blocks, and
 * the ask or extension they make. Field errors go back to the block that holds the field, keyed by `block_id`, as
 * Slack's `response_action: errors` wants them.
 */
import * as z from 'zod';
import type { FieldIssue } from '../../domain/errors';

const SLACK_USER = z.string().regex(/^[UW][A-Z0-9]{2,20}$/);

const elementState = z.object({
  value: z.string().max(4000).nullish(),
  selected_option: z.object({ value: z.string().max(4000) }).nullish(),
});

export const viewSubmission = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: SLACK_USER }),
  view: z.object({
    id: z
      .string()
      .regex(/^[A-Z0-9]{1,40}$/)
      .optional(),
    callback_id: z.string().max(255),
    private_metadata: z.string().max(3000).optional(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), elementState)) }),
  }),
});

export type ViewSubmission = z.infer<typeof viewSubmission>;

/** The value of each input block (by block_id), trimmed; blocks left empty are absent. */
export function submittedValues(submission: ViewSubmission): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(submission.view.state.values)) {
    const element = elements[blockId] ?? Object.values(elements)[0];
    const value = (element?.selected_option?.value ?? element?.value ?? '').trim();
    if (value !== '') values[blockId] = value;
  }
  return values;
}

/** A duration's value is a whole number of seconds; anything else is left for the body's schema to name. */
function seconds(value: string | undefined): number | string | undefined {
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : value;
}

/** The create-request body the request modal's values make (docs/api.md, `POST /v1/requests`). */
export function askOf(values: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {
    functionName: values.function ?? '',
    durationSeconds: seconds(values.durationSeconds),
    reason: values.reason ?? '',
  };
  for (const [block, field] of [
    ['principal', 'principal'],
    ['sourceArn', 'sourceArn'],
    ['sourceAccount', 'sourceAccount'],
    ['eventSourceArn', 'eventSourceArn'],
    ['ticket', 'ticket'],
  ] as const) {
    if (values[block] !== undefined) body[field] = values[block];
  }
  return body;
}

/** The extend body the extend modal's values make (docs/api.md, `POST /v1/requests/{id}/extend`). */
export function extensionOf(values: Record<string, string>): Record<string, unknown> {
  return {
    durationSeconds: seconds(values.durationSeconds),
    reason: values.reason ?? '',
    ...(values.ticket !== undefined ? { ticket: values.ticket } : {}),
  };
}

/** Which block shows an error about a body field; anything without a block of its own shows on `fallback`. */
const BLOCK_OF_FIELD: Record<string, string> = {
  functionName: 'function',
  qualifier: 'function',
  principal: 'principal',
  principalOrgId: 'principal',
  sourceArn: 'sourceArn',
  sourceAccount: 'sourceAccount',
  eventSourceArn: 'eventSourceArn',
  batchSize: 'eventSourceArn',
  durationSeconds: 'durationSeconds',
  reason: 'reason',
  ticket: 'ticket',
};

/**
 * Slack's `errors` object for the issues of a refused submission: one message per block (the first issue's, with any
 * further ones after it), only for blocks the modal has.
 */
export function blockErrors(
  issues: readonly FieldIssue[],
  message: string,
  blocksShown: readonly string[],
  fallback: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const add = (block: string, text: string) => {
    const target = blocksShown.includes(block) ? block : fallback;
    errors[target] = errors[target] ? `${errors[target]}; ${text}` : text;
  };
  for (const issue of issues) add(BLOCK_OF_FIELD[issue.path.split('.')[0] ?? ''] ?? fallback, issue.message);
  if (issues.length === 0) add(fallback, message);
  for (const key of Object.keys(errors)) errors[key] = (errors[key] as string).slice(0, 2000);
  return errors;
}

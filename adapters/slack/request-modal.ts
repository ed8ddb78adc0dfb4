/**
 * The modals a requester fills in from Slack (docs/slack.md, A requester's day in Slack): the request modal, built from
 * the caller's catalog, and the extend modal of one grant. Each input block holds one element whose `action_id` is its
 * `block_id`. A select offers exactly what the catalog names (an option's `value` is the raw value: a function ARN, a
 * principal, seconds); where the catalog holds a pattern (`order-*`), or more or longer values than a Slack select
 * takes, the block is a text input whose hint lists the patterns instead.
 */
import type { CatalogItem } from '../../domain/use-cases/catalog';
import { MAX_DURATION_SECONDS } from '../../domain/settings';
import { escapeMrkdwn, humanDuration } from './messages';

export const REQUEST_CALLBACK_ID = 'lpb_request';
export const EXTEND_CALLBACK_ID = 'lpb_extend';

/** Slack's limits: options per select, characters of an option's text and value, of a hint, of a title. */
const MAX_OPTIONS = 100;
const OPTION_TEXT = 75;
const OPTION_VALUE = 150;
const HINT = 2_000;

/** Durations offered, bounded by the broker's minimum and the entries' maximum (which is always offered too). */
const DURATION_STEPS = [300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400];

const plain = (text: string) => ({ type: 'plain_text', text, emoji: false });

function clipText(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

interface Choice {
  label: string;
  value: string;
}

/** A select when every value is concrete and fits Slack's limits; else null (the block becomes a text input). */
function selectable(values: readonly string[], labelOf: (value: string) => string): Choice[] | null {
  const unique = [...new Set(values)];
  if (unique.length === 0 || unique.length > MAX_OPTIONS) return null;
  if (unique.some((v) => /[*?]/.test(v) || v.length > OPTION_VALUE)) return null;
  return unique.map((value) => ({ label: clipText(labelOf(value), OPTION_TEXT), value }));
}

function inputBlock(options: {
  blockId: string;
  label: string;
  values: readonly string[];
  labelOf?: (value: string) => string;
  optional: boolean;
  placeholder: string;
}): Record<string, unknown> {
  const { blockId, label, values, optional, placeholder } = options;
  const choices = selectable(values, options.labelOf ?? ((v) => v));
  const element = choices
    ? {
        type: 'static_select',
        action_id: blockId,
        placeholder: plain(placeholder),
        options: choices.map((c) => ({ text: plain(c.label), value: c.value })),
      }
    : { type: 'plain_text_input', action_id: blockId, placeholder: plain(placeholder) };
  const hint = choices || values.length === 0 ? null : clipText(`Allowed: ${[...new Set(values)].join(', ')}`, HINT);
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: plain(label),
    element,
    ...(hint ? { hint: plain(hint) } : {}),
  };
}

/** The durations to offer up to `max` seconds, the broker's minimum first and `max` last. */
export function durationChoices(minSeconds: number, maxSeconds: number): number[] {
  const max = Math.min(maxSeconds, MAX_DURATION_SECONDS);
  const steps = DURATION_STEPS.filter((s) => s > minSeconds && s < max);
  return [...new Set([Math.min(minSeconds, max), ...steps, max])];
}

function durationBlock(minSeconds: number, maxSeconds: number): Record<string, unknown> {
  return {
    type: 'input',
    block_id: 'durationSeconds',
    label: plain('Duration'),
    element: {
      type: 'static_select',
      action_id: 'durationSeconds',
      placeholder: plain('How long the grant lasts'),
      options: durationChoices(minSeconds, maxSeconds).map((s) => ({
        text: plain(humanDuration(s)),
        value: String(s),
      })),
    },
  };
}

function reasonBlocks(): Record<string, unknown>[] {
  return [
    {
      type: 'input',
      block_id: 'reason',
      label: plain('Reason'),
      element: {
        type: 'plain_text_input',
        action_id: 'reason',
        multiline: true,
        min_length: 10,
        max_length: 1000,
        placeholder: plain('Why the grant is needed (10-1000 characters)'),
      },
    },
    {
      type: 'input',
      block_id: 'ticket',
      optional: true,
      label: plain('Ticket'),
      element: { type: 'plain_text_input', action_id: 'ticket', max_length: 256, placeholder: plain('OPS-123') },
    },
  ];
}

const functionNameOf = (arn: string) => arn.split(':').slice(6).join(':') || arn;

/** Who may invoke and from where, for the catalog's invoke entries; `optional` when event sources may be asked too. */
function invokeBlocks(invoke: readonly CatalogItem[], optional: boolean): Record<string, unknown>[] {
  const principals = invoke.flatMap((i) => i.principals);
  const blocks = [
    inputBlock({
      blockId: 'principal',
      label: 'Principal (who may invoke)',
      values: principals,
      optional,
      placeholder: 'Service, account or role',
    }),
    inputBlock({
      blockId: 'sourceArn',
      label: 'Source ARN',
      values: invoke.flatMap((i) => i.sourceArns),
      optional: true,
      placeholder: 'The topic, rule, bucket or API that calls',
    }),
  ];
  // A bucket's ARN names no account, so S3 needs the bucket owner's account too (the safety floor).
  if (principals.some((p) => p === 's3.amazonaws.com' || p.includes('*'))) {
    blocks.push(
      inputBlock({
        blockId: 'sourceAccount',
        label: 'Source account (S3: the bucket owner)',
        values: invoke.flatMap((i) => i.sourceAccounts ?? []),
        optional: true,
        placeholder: '123456789012',
      }),
    );
  }
  return blocks;
}

/** The request modal for a caller whose catalog is `items` (not empty). */
export function requestModal(items: readonly CatalogItem[], minDurationSeconds: number): Record<string, unknown> {
  const invoke = items.filter((i) => i.principals.length > 0);
  const mapping = items.filter((i) => i.eventSourceArns.length > 0);
  const maxDuration = Math.max(...items.map((i) => i.maxDurationSeconds));
  const blocks: Record<string, unknown>[] = [
    inputBlock({
      blockId: 'function',
      label: 'Function',
      values: items.flatMap((i) => i.functions),
      labelOf: functionNameOf,
      optional: false,
      placeholder: 'Function name or ARN',
    }),
    ...(invoke.length > 0 ? invokeBlocks(invoke, mapping.length > 0) : []),
  ];
  if (mapping.length > 0) {
    blocks.push(
      inputBlock({
        blockId: 'eventSourceArn',
        label: 'Event source ARN',
        values: mapping.flatMap((i) => i.eventSourceArns),
        optional: invoke.length > 0,
        placeholder: 'The queue or stream to read',
      }),
    );
  }
  blocks.push(durationBlock(minDurationSeconds, maxDuration), ...reasonBlocks());
  return {
    type: 'modal',
    callback_id: REQUEST_CALLBACK_ID,
    title: plain('Request a grant'),
    submit: plain('Request'),
    close: plain('Cancel'),
    blocks,
  };
}

/** The extend modal of grant `grantId`, whose entry allows at most `maxDurationSeconds` more. */
export function extendModal(
  grant: { id: string; functionArn: string; expiresAt: string | null },
  minDurationSeconds: number,
  maxDurationSeconds: number,
): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: EXTEND_CALLBACK_ID,
    // Only names the grant: the submitter is checked again as its requester when the extension is created.
    private_metadata: grant.id,
    title: plain('Extend a grant'),
    submit: plain('Extend'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clipText(
            `Grant \`${grant.id}\` on ${escapeMrkdwn(functionNameOf(grant.functionArn))} ends ${grant.expiresAt ?? '(not active)'}. ` +
              'An extension keeps the same statement in place for longer; it is approved like a new request.',
            3_000,
          ),
        },
      },
      durationBlock(minDurationSeconds, maxDurationSeconds),
      ...reasonBlocks(),
    ],
  };
}

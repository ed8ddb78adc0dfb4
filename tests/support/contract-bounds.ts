/**
 * The times the contract promises (docs/api.md, Answers, and the work behind them), and what functional tests allow:
 * three times as much, so that a loaded machine cannot turn them red. `npm run bench` holds the exact figures to these
 * bounds, and exits non-zero when one is missed.
 */
export const CONTRACT_MS = {
  /** POST /v1/requests answers. */
  create: 1_000,
  /** A Slack click is answered. */
  click: 1_000,
  /** `/lpb request` has opened its modal, and a submitted modal is answered (docs/slack.md). */
  slashCommand: 1_000,
  /** POST /v1/requests/{id}/approve (and revoke) answers. */
  approve: 2_000,
  /** A grant's permission is gone after its expiresAt (p99). */
  expiry: 5_000,
} as const;

export const TEST_MARGIN = 3;

/** What a functional test allows for one of the contract's times. */
export const generousMs = (what: keyof typeof CONTRACT_MS): number => CONTRACT_MS[what] * TEST_MARGIN;

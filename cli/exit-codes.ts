/** `lpb`'s exit codes, the same for every command (listed by `lpb --help`). */
export const EXIT = {
  OK: 0,
  /** Wrong command line. */
  USAGE: 1,
  /** The API refused (4xx): validation, identity, allowlist, state. */
  REFUSED: 2,
  /** The API or network failed (5xx, unreachable): retrying may help. */
  FAILED: 3,
  /** --wait: the request ended without becoming ACTIVE (REJECTED, FAILED, …). */
  NOT_ACTIVE: 4,
  /** --wait: still not final when the wait ran out. */
  WAIT_TIMEOUT: 5,
} as const;

export const EXIT_SUMMARY =
  'exit codes: 0 ok · 1 usage · 2 refused by the API (4xx) · 3 API/network failure (5xx) · ' +
  '4 ended without becoming ACTIVE (--wait) · 5 wait timed out';

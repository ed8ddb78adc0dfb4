/**
 * Field by field: how a stored entry's body differs from another (a file's, a proposal's; docs/allowlist-as-code.md,
 * Plan). Pure: the CLI's plan and the two-person rule's proposals both show it.
 */
type EntryBody = Record<string, unknown>;

export interface FieldDiff {
  field: string;
  /** undefined: the stored entry has no such field. */
  before: unknown;
  after: unknown;
  /** For list fields: the items only one side has. */
  added?: unknown[];
  removed?: unknown[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields of `desired` whose value differs from `live`'s, in the file's order. */
export function fieldDiffs(live: EntryBody, desired: EntryBody): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  for (const [field, after] of Object.entries(desired)) {
    const before = live[field];
    if (same(before, after)) continue;
    const diff: FieldDiff = { field, before, after };
    if (Array.isArray(after) && (Array.isArray(before) || before === undefined || before === null)) {
      const was = (before ?? []) as unknown[];
      diff.added = after.filter((x) => !was.some((y) => same(x, y)));
      diff.removed = was.filter((x) => !after.some((y) => same(x, y)));
    }
    diffs.push(diff);
  }
  return diffs;
}

const show = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));

/** One line per field: `maxDurationSeconds: 86400 → 600`, lists as the items added and removed. */
export function describeDiff(diff: FieldDiff): string {
  if (diff.added || diff.removed) {
    const parts = [...(diff.added ?? []).map((x) => `+${show(x)}`), ...(diff.removed ?? []).map((x) => `-${show(x)}`)];
    // Same items in another order: the order is all that changed.
    return `${diff.field}: ${parts.length > 0 ? parts.join(' ') : `${show(diff.before)} → ${show(diff.after)}`}`;
  }
  return `${diff.field}: ${show(diff.before)} → ${show(diff.after)}`;
}

/** Field by field (docs/allowlist-as-code.md, Plan): what a plan and a proposal show of a change to an entry. */
import { describeDiff, fieldDiffs as domainDiffs } from '../../../domain/rules/entry-diff';

it('names only the fields that differ, in the new body’s order, and lists items added and removed', () => {
  const live = { description: 'orders', principals: ['a', 'b'], maxDurationSeconds: 86400, autoApprove: false };
  const desired = { description: 'orders', principals: ['b', 'c'], maxDurationSeconds: 600, autoApprove: false };
  expect(domainDiffs(live, desired)).toEqual([
    { field: 'principals', before: ['a', 'b'], after: ['b', 'c'], added: ['c'], removed: ['a'] },
    { field: 'maxDurationSeconds', before: 86400, after: 600 },
  ]);
  expect(domainDiffs(live, live)).toEqual([]);
});

it('describes each difference on one line', () => {
  const [principals, duration] = domainDiffs(
    { principals: ['a'], maxDurationSeconds: 1 },
    { principals: ['b'], maxDurationSeconds: 2, sourceProof: 'warn' },
  );
  expect(describeDiff(principals!)).toBe('principals: +"b" -"a"');
  expect(describeDiff(duration!)).toBe('maxDurationSeconds: 1 → 2');
  expect(describeDiff(domainDiffs({}, { sourceProof: 'warn' })[0]!)).toBe('sourceProof: (unset) → "warn"');
  // Same items, another order: the order is what changed.
  expect(describeDiff(domainDiffs({ principals: ['a', 'b'] }, { principals: ['b', 'a'] })[0]!)).toBe(
    'principals: ["a","b"] → ["b","a"]',
  );
});

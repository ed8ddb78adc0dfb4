/**
 * Which allowlist entry permits an ask. Entries are tried in ascending id order and the first that allows it wins, so
 * the choice is deterministic. Only entries that list the requester take part: an ask that none of them allows is
 * refused with the same words whether or not some other team's entry covers the function, and when one of the
 * requester's own entries covers it, the refusal names the condition of the closest such entry (the requester may see
 * it in its catalog). A grant judged on its own (no requester) is matched against every entry.
 */
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { Ask } from './ask';
import { fitOf, listsRequester } from './entry-fit';
import type { Identity } from './identity';

export type Choice = { permitted: true; entry: AllowlistEntry } | { permitted: false; field: string; reason: string };

/** The refusal of an ask that no entry listing the requester covers: it says nothing about other teams' entries. */
export const NOT_COVERED = 'no allowlist entry that lists the requester covers this function';

export function byId(a: AllowlistEntry, b: AllowlistEntry): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function chooseEntry(entries: readonly AllowlistEntry[], ask: Ask, requester: Identity | null): Choice {
  const candidates = entries.filter((e) => requester === null || listsRequester(e, requester)).sort(byId);
  let closest: { passed: number; field: string; reason: string } | null = null;
  for (const entry of candidates) {
    const fit = fitOf(entry, ask, requester);
    if (fit.fits) return { permitted: true, entry };
    if (!closest || fit.passed > closest.passed) closest = fit;
  }
  if (closest === null || closest.field === 'functionName') {
    return { permitted: false, field: 'functionName', reason: requester === null ? noEntryFor(ask) : NOT_COVERED };
  }
  return { permitted: false, field: closest.field, reason: closest.reason };
}

function noEntryFor(ask: Ask): string {
  return `no allowlist entry covers function ${ask.functionArn}`;
}

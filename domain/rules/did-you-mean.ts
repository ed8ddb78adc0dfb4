/**
 * Suggests the known word closest to a mistyped one (`--fucntion` → `--function`, `sourceARN` → `sourceArn`), or
 * nothing when none is close. Case is ignored: a field written in the wrong case is the commonest slip of all.
 * Pure, so the API (unknown fields and query parameters) and the CLI (commands and flags) share it.
 */

/** Optimal string alignment distance: edits, with a swap of two neighbours counting as one. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  // Short words allow one edit, longer ones about a third of their length: "lsit" → "list", not "get" → "set".
  const allowed = Math.max(1, Math.floor(word.length / 3));
  const typed = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const known = candidate.toLowerCase();
    const distance = known.startsWith(typed) && typed.length >= 3 && known !== typed ? 0.5 : editDistance(typed, known);
    if (distance <= allowed && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion ? `; did you mean ${suggestion}?` : '';
}

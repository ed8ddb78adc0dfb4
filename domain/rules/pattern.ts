/**
 * Allowlist patterns: `*` is any run of characters (the empty run included), `?` exactly one, matched
 * case-sensitively against the whole value. A character is a code point (a surrogate pair counts once, a lone
 * surrogate too), as the `u`-flag regular expression this replaced counted them.
 *
 * No regular expression: requester-chosen values meet admin patterns on the request path, and a backtracking
 * regex made `*` exponential (issue #15, finding 3: an entry with four `*` between `/` took seconds against a
 * value of a few hundred `/`). The greedy two-pointer matcher below takes at most pattern × value length steps.
 */

export function matchesPattern(pattern: string, value: string): boolean {
  return matchCodePoints(Array.from(pattern), Array.from(value));
}

export function matchesAny(patterns: readonly string[], value: string): boolean {
  const chars = Array.from(value);
  return patterns.some((p) => matchCodePoints(Array.from(p), chars));
}

export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/**
 * Walks both sequences once; on a mismatch it returns to the most recent `*` and lets it swallow one more
 * character. Returning to that `*` alone suffices: whatever an earlier `*` could absorb, the later one can too.
 */
function matchCodePoints(pattern: readonly string[], value: readonly string[]): boolean {
  let p = 0;
  let v = 0;
  let star = -1; // index of the last `*` met in the pattern
  let resume = 0; // where that `*` hands the value back to the rest of the pattern
  while (v < value.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p;
      resume = v;
      p += 1;
    } else if (c !== undefined && (c === '?' || c === value[v])) {
      p += 1;
      v += 1;
    } else if (star !== -1) {
      p = star + 1;
      resume += 1;
      v = resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p += 1;
  return p === pattern.length;
}

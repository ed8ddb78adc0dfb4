/** Allowlist patterns: `*` is any run of characters, `?` one character, matched case-sensitively against the whole value. */

const cache = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (ch) =>
      ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : `\\${ch}`,
    );
    re = new RegExp(`^${body}$`, 'u');
    cache.set(pattern, re);
  }
  return re;
}

export function matchesPattern(pattern: string, value: string): boolean {
  return compile(pattern).test(value);
}

export function matchesAny(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => matchesPattern(p, value));
}

export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

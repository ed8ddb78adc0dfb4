import fc from 'fast-check';
import { matchesAny, matchesPattern } from '../../../domain/rules/pattern';

describe('allowlist patterns', () => {
  it.each([
    ['arn:aws:lambda:us-east-1:1:function:order-*', 'arn:aws:lambda:us-east-1:1:function:order-processor', true],
    ['arn:aws:lambda:us-east-1:1:function:order-*', 'arn:aws:lambda:us-east-1:1:function:billing', false],
    ['order-?', 'order-1', true],
    ['order-?', 'order-12', false],
    ['Order-*', 'order-1', false],
    ['a.b', 'axb', false],
    ['(x)+[y]', '(x)+[y]', true],
    ['*', '', true],
    ['abc', 'xabcx', false],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(matchesPattern(pattern, value)).toBe(expected);
  });

  it('matches a value without wildcards only against itself', () => {
    const literal = fc.string().filter((s) => !s.includes('*') && !s.includes('?'));
    fc.assert(
      fc.property(literal, literal, (pattern, value) => {
        expect(matchesPattern(pattern, value)).toBe(pattern === value);
      }),
    );
  });

  it('lets * stand for any infix', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (prefix, middle, suffix) => {
        const safe = (s: string) => s.replace(/[*?]/g, '');
        expect(matchesPattern(`${safe(prefix)}*${safe(suffix)}`, `${safe(prefix)}${middle}${safe(suffix)}`)).toBe(true);
      }),
    );
  });

  it('treats a code point as one character, as a surrogate pair or alone', () => {
    expect(matchesPattern('order-?', 'order-\u{1F600}')).toBe(true);
    expect(matchesPattern('order-??', 'order-\u{1F600}')).toBe(false);
    expect(matchesPattern('?', '\uD800')).toBe(true);
    expect(matchesPattern('\uD83D*', '\u{1F600}')).toBe(false);
    expect(matchesPattern('*\n', 'a\nb\n')).toBe(true);
  });

  it('agrees with the regular expression it replaces on every pattern and value', () => {
    // The former implementation, kept as the oracle: small inputs only, where backtracking is harmless.
    const oracle = (pattern: string, value: string) => {
      const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (ch) =>
        ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : `\\${ch}`,
      );
      return new RegExp(`^${body}$`, 'u').test(value);
    };
    const unit = fc.constantFrom('a', 'b', '/', '.', '*', '?', '\n', '\u{1F600}', '\uD83D', '\uDE00', '[', '\\');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 8 }), fc.string({ unit, maxLength: 12 }), (pattern, value) => {
        expect(matchesPattern(pattern, value)).toBe(oracle(pattern, value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('finding 3 — pattern blow-up: a worst-case match over 2 KiB against 8 wildcards takes under 10 ms', () => {
    const prefix = 'arn:aws:execute-api:us-east-1:123456789012:';
    const pattern = `${prefix}${'*/'.repeat(8)}orders`;
    // Small steps up to 2 KiB stop at the first size over the bound instead of waiting out an exponential match.
    const lengths = [64];
    while ((lengths.at(-1) as number) < 2048)
      lengths.push(Math.min(2048, Math.ceil((lengths.at(-1) as number) * 1.125)));
    for (const length of lengths) {
      const value = prefix + '/'.repeat(length - prefix.length);
      const times: number[] = [];
      for (let run = 0; run < 5; run += 1) {
        const started = performance.now();
        expect(matchesPattern(pattern, value)).toBe(false);
        times.push(performance.now() - started);
      }
      const median = times.sort((a, b) => a - b)[2] as number;
      expect({ length, median: median < 10 ? 'under 10 ms' : `${median.toFixed(1)} ms` }).toEqual({
        length,
        median: 'under 10 ms',
      });
    }
  });

  it('matches a list when any pattern matches', () => {
    expect(matchesAny(['a', 'b*'], 'bee')).toBe(true);
    expect(matchesAny([], 'bee')).toBe(false);
  });
});

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

  it('matches a list when any pattern matches', () => {
    expect(matchesAny(['a', 'b*'], 'bee')).toBe(true);
    expect(matchesAny([], 'bee')).toBe(false);
  });
});

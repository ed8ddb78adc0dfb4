import fc from 'fast-check';
import { matchesPattern } from '../../../domain/rules/pattern';
import { anyNumber, canMatchSome, exactly, oneOrMore, repeat } from '../../../domain/rules/pattern-reach';

/** arn:aws…:lambda:<region>:<12 digits>:function:<name>, as the lint reads function ARNs. */
const FUNCTION_ARN = [
  ...exactly('arn:aws'),
  anyNumber(/[a-z-]/),
  ...exactly(':lambda:'),
  ...oneOrMore(/[a-z0-9-]/),
  ...exactly(':'),
  ...repeat(/\d/, 12),
  ...exactly(':function:'),
  ...oneOrMore(/[A-Za-z0-9_-]/),
];

describe('can a pattern match some value of a shape', () => {
  it.each([
    ['*', true],
    ['arn:aws:lambda:us-east-1:123456789012:function:order-*', true],
    ['arn:aws:lambda:*:function:*', true],
    ['*:function:order-?', true],
    ['arn:aws-cn:lambda:cn-north-1:123456789012:function:x', true],
    ['arn:aws:lambda:us-east-1:????????????:function:x', true],
    ['order-*', false],
    ['arn:aws:lambda:us-east-1:123456789012:function:order-processor:live', false],
    ['arn:aws:lambda:us-east-1:123456789012:function:', false],
    ['arn:aws:lambda:us-east-1:12345:function:x', false],
    ['arn:aws:lambda:us-east-1:???????????:function:x', false],
    ['arn:aws:sns:us-east-1:123456789012:orders-*', false],
    ['arn:aws:lambda:us-east-1:123456789012:layer:x', false],
    ['Arn:aws:lambda:*', false],
    ['', false],
  ])('%s → %s', (pattern, expected) => {
    expect(canMatchSome(pattern, FUNCTION_ARN)).toBe(expected);
  });

  it('treats optional and repeated slots as such', () => {
    const shape = [...exactly('a'), { allows: (c: string) => c === 'b', times: 'optional' as const }, ...exactly('c')];
    expect(canMatchSome('ac', shape)).toBe(true);
    expect(canMatchSome('abc', shape)).toBe(true);
    expect(canMatchSome('abbc', shape)).toBe(false);
    expect(canMatchSome('a?c', shape)).toBe(true);
    expect(canMatchSome('a??c', shape)).toBe(false);
  });

  it('never says no to a pattern that matches a value of the shape', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
    const arn = fc
      .tuple(fc.constantFrom('aws', 'aws-cn', 'aws-us-gov'), fc.stringMatching(/^[a-z]{2}-[a-z]+-\d$/), name)
      .map(([p, r, n]) => `arn:${p}:lambda:${r}:123456789012:function:${n}`);
    // A pattern made from the value by turning some runs into * and some characters into ?.
    const patternOf = (value: string, cuts: number[]) => {
      const chars = Array.from(value);
      cuts.forEach((cut, k) => (k % 2 === 1 ? (chars[cut % chars.length] = '?') : undefined));
      cuts.forEach((cut, k) => (k % 2 === 0 ? chars.splice(cut % chars.length, 3, '*') : undefined));
      return chars.join('');
    };
    fc.assert(
      fc.property(arn, fc.array(fc.nat(), { maxLength: 4 }), (value, cuts) => {
        const pattern = patternOf(value, cuts);
        expect(matchesPattern(pattern, value)).toBe(true);
        expect(canMatchSome(pattern, FUNCTION_ARN)).toBe(true);
      }),
    );
  });

  it('takes pattern × shape steps, not exponential ones', () => {
    const started = Date.now();
    expect(canMatchSome(`${'*a'.repeat(500)}:x`, FUNCTION_ARN)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

/**
 * Whether an allowlist pattern (`*`, `?`, literal code points; see pattern.ts) can match any value of a given shape
 * at all: a Lambda function ARN, an IAM role ARN in one account, an account id. The allowlist lint uses it to refuse
 * patterns that can never match and to warn about patterns that reach every account.
 *
 * A shape is a sequence of slots, each a character class taken once, at most once, or any number of times. The
 * answer is a search over pairs (pattern position, slot position): at most pattern length × shape length states, no
 * backtracking. Shapes may be looser than AWS's own rules (a Region is "letters, digits, dashes"): a looser shape
 * can only say "may match" more often, never refuse a pattern that could match.
 */

export interface Slot {
  allows(char: string): boolean;
  times: 'one' | 'optional' | 'many';
}

export type Shape = readonly Slot[];

/** Exactly these characters. */
export function exactly(text: string): Slot[] {
  return Array.from(text, (c) => ({ allows: (x: string) => x === c, times: 'one' as const }));
}

/** One or more characters of a class. */
export function oneOrMore(chars: RegExp): Slot[] {
  const allows = (x: string) => chars.test(x);
  return [
    { allows, times: 'one' },
    { allows, times: 'many' },
  ];
}

/** Any number (zero included) of characters of a class. */
export function anyNumber(chars: RegExp): Slot {
  return { allows: (x: string) => chars.test(x), times: 'many' };
}

/** Exactly `count` characters of a class. */
export function repeat(chars: RegExp, count: number): Slot[] {
  return Array.from({ length: count }, () => ({ allows: (x: string) => chars.test(x), times: 'one' as const }));
}

export function canMatchSome(pattern: string, shape: Shape): boolean {
  const tokens = Array.from(pattern);
  const width = shape.length + 1;
  const seen = new Uint8Array((tokens.length + 1) * width);
  const stack: number[] = [0];
  seen[0] = 1;
  const visit = (p: number, s: number) => {
    const key = p * width + s;
    if (!seen[key]) {
      seen[key] = 1;
      stack.push(key);
    }
  };
  while (stack.length > 0) {
    const key = stack.pop() as number;
    const p = Math.floor(key / width);
    const s = key % width;
    if (p === tokens.length && s === shape.length) return true;
    const token = tokens[p];
    const slot = shape[s];
    // Moves that consume nothing: `*` matching no more, a slot left out.
    if (token === '*') visit(p + 1, s);
    if (slot && slot.times !== 'one') visit(p, s + 1);
    // One character both sides can take: any character of the slot for `*` and `?`, else the literal itself.
    if (token !== undefined && slot && (token === '*' || token === '?' || slot.allows(token))) {
      visit(token === '*' ? p : p + 1, slot.times === 'many' ? s : s + 1);
    }
  }
  return false;
}

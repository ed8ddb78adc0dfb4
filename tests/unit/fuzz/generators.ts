/** Hostile-input generators shared by the fuzz properties (issue #15): the attacks of findings 3, 5 and 7, generalised. */
import fc from 'fast-check';

/** How many cases each property runs: `npm test` and `npm run test:fuzz` both reach 10,000. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

/** Slack control sequences and formatting: mentions, links, entities and code fences. */
export const slackMarkup = fc.constantFrom(
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0123ABCD>',
  '<#C0123ABCD|general>',
  '<!subteam^S0123ABCD>',
  '<https://evil.example|APPROVE-SAFE>',
  '<mailto:a@evil.example|mail>',
  '```',
  '`',
  '&',
  '&lt;',
  '&amp;gt;',
  '<',
  '>',
  '|',
  '*',
  '_',
  '~',
  '\n',
);

/** Text built from Slack markup and ordinary characters, as a requester could send it in any field. */
export const slackText = fc
  .array(fc.oneof(slackMarkup, fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

const continuation = fc.integer({ min: 0x80, max: 0xbf });

/** One byte sequence that is not UTF-8 wherever it is put between two characters. */
export const invalidUtf8 = fc.oneof(
  continuation.map((b) => [b]), // a continuation byte with no lead
  fc.integer({ min: 0xc2, max: 0xdf }).map((b) => [b]), // a two-byte lead cut short
  fc.tuple(fc.integer({ min: 0xe1, max: 0xec }), continuation), // a three-byte sequence cut short
  fc.tuple(fc.integer({ min: 0xf1, max: 0xf3 }), continuation, continuation), // a four-byte sequence cut short
  fc.tuple(fc.constantFrom(0xc0, 0xc1), continuation), // overlong two-byte
  fc.tuple(fc.constant(0xe0), fc.integer({ min: 0x80, max: 0x9f }), continuation), // overlong three-byte
  fc.tuple(fc.constant(0xf0), fc.integer({ min: 0x80, max: 0x8f }), continuation, continuation), // overlong four
  fc.tuple(fc.constant(0xed), fc.integer({ min: 0xa0, max: 0xbf }), continuation), // an encoded surrogate
  fc.tuple(fc.constant(0xf4), fc.integer({ min: 0x90, max: 0xbf }), continuation, continuation), // past U+10FFFF
  fc.integer({ min: 0xf5, max: 0xff }).map((b) => [b]), // bytes UTF-8 never uses
);

/** `text` as UTF-8 with each sequence inserted at a character boundary (positions are fractions of the length). */
export function withInvalidBytes(text: string, insertions: readonly { at: number; bytes: number[] }[]): Buffer {
  const chars = Array.from(text);
  const cuts = insertions
    .map(({ at, bytes }) => ({ index: Math.floor(at * (chars.length + 1)), bytes }))
    .sort((a, b) => a.index - b.index);
  const parts: Buffer[] = [];
  let from = 0;
  for (const { index, bytes } of cuts) {
    // A space after each sequence keeps two insertions at one place from completing each other (C2 + 80 is valid).
    parts.push(Buffer.from(chars.slice(from, index).join('')), Buffer.from([...bytes, 0x20]));
    from = index;
  }
  parts.push(Buffer.from(chars.slice(from).join('')));
  return Buffer.concat(parts);
}

/** Insertions for withInvalidBytes: one to three invalid sequences anywhere. */
export const invalidInsertions = fc.array(
  fc.record({ at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), bytes: invalidUtf8 }),
  { minLength: 1, maxLength: 3 },
);

/**
 * A pattern with many wildcards and a long value it is matched against: pieces of `/`, `a` and `*`/`?` runs, the
 * shape that made the former regular expression backtrack exponentially (finding 3).
 */
export const wildcardPattern = fc
  .array(fc.oneof(fc.constantFrom('*', '?', '*/', '/*', '**', 'a', '/', 'orders'), fc.string({ maxLength: 3 })), {
    minLength: 1,
    maxLength: 24,
  })
  .map((parts) => parts.join(''));

export const longValue = fc
  .array(
    fc.record({ piece: fc.constantFrom('/', 'a', '/a', 'orders', 'x', '\u{1F600}'), times: fc.nat({ max: 400 }) }),
    { maxLength: 6 },
  )
  .map((runs) => runs.map(({ piece, times }) => piece.repeat(times)).join(''))
  .map((value) => Array.from(value).slice(0, 2048).join(''));

/** An independent oracle: dynamic programming over code points, pattern × value steps. */
export function oracle(pattern: string, value: string): boolean {
  const p = Array.from(pattern);
  // row[j]: the first j pattern characters match the value read so far. (No global lookups in the loops: jest's
  // sandboxed globals are slow to reach.)
  let row = new Uint8Array(p.length + 1);
  let next = new Uint8Array(p.length + 1);
  row[0] = 1;
  for (let j = 1; j <= p.length; j += 1) row[j] = p[j - 1] === '*' ? row[j - 1]! : 0;
  for (const c of value) {
    next[0] = 0;
    for (let j = 1; j <= p.length; j += 1) {
      const pc = p[j - 1];
      next[j] = pc === '*' ? next[j - 1]! | row[j]! : pc === '?' || pc === c ? row[j - 1]! : 0;
    }
    [row, next] = [next, row];
  }
  return row[p.length] === 1;
}

import { closest, editDistance } from '../../cli/did-you-mean';

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('fucntion', 'function')).toBe(1);
    expect(editDistance('list', 'lsit')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it.each([
    ['--fucntion', ['--function', '--principal', '--qualifier'], '--function'],
    ['--sourcearn', ['--source-arn', '--source-account'], '--source-arn'],
    ['revok', ['revoke', 'reject', 'get'], 'revoke'],
    ['--dur', ['--duration', '--reason'], '--duration'],
    ['xyz', ['create', 'list'], undefined],
    ['gte', ['get', 'set'], 'get'],
    ['put', ['get'], undefined],
  ])('suggests for %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });
});

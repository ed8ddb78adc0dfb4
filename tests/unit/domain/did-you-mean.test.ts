import { closest, editDistance } from '../../../domain/rules/did-you-mean';

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
    // Case is ignored: the commonest slip in a JSON field name.
    ['sourceARN', ['sourceArn', 'sourceAccount', 'principal'], 'sourceArn'],
    ['principalOrgID', ['principalOrgId', 'principal'], 'principalOrgId'],
    ['LIMIT', ['limit', 'status'], 'limit'],
    ['funtionname', ['functionName', 'qualifier'], 'functionName'],
  ])('suggests for %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });
});

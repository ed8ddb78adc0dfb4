import { run, type Io } from '../../cli/main';
import { parseDuration } from '../../cli/commands';
import { regionOfHost, signRequest } from '../../cli/sigv4';

function io(): Io & { stdout: string; stderr: string } {
  const captured = {
    stdout: '',
    stderr: '',
    env: {},
    out(t: string) {
      captured.stdout += t;
    },
    err(t: string) {
      captured.stderr += t;
    },
    sleep: () => Promise.resolve(),
  };
  return captured;
}

describe('lpb command line', () => {
  it('reads durations in seconds, minutes, hours and days', () => {
    expect([parseDuration('3600'), parseDuration('90m'), parseDuration('12h'), parseDuration('7d')]).toEqual([
      3600, 5400, 43200, 604800,
    ]);
    expect(() => parseDuration('1w')).toThrow(/--duration/);
  });

  it.each([
    [['frobnicate'], /unknown command/],
    [['get'], /missing ID/],
    [['create', '--function', 'f'], /missing --duration, --reason/],
    [['approve', 'id-1', '--bogus'], /Unknown option '--bogus'/],
    [['get', 'a', 'b'], /too many arguments/],
  ])('exits 1 with a reason for %j', async (argv, message) => {
    const captured = io();
    expect(await run(argv, captured)).toBe(1);
    expect(captured.stderr).toMatch(message);
  });

  it('has --help on every command, exiting 0', async () => {
    for (const command of ['create', 'get', 'list', 'approve', 'reject', 'cancel', 'revoke', 'sweep']) {
      const captured = io();
      expect(await run([command, '--help'], captured)).toBe(0);
      expect(captured.stdout).toContain('usage: lpb');
    }
  });
});

describe('SigV4 signing', () => {
  it('signs for execute-api in the URL’s Region with the given credentials', async () => {
    const url = new URL('https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/v1/requests?limit=5');
    expect(regionOfHost(url.hostname)).toBe('eu-west-1');
    const sign = (body: string) =>
      signRequest(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body },
        {
          region: 'eu-west-1',
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
          signingDate: new Date('2026-11-26T12:00:00Z'),
        },
      );
    const headers = await sign('{}');
    expect(headers['x-amz-date']).toBe('20261126T120000Z');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261126\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect((await sign('{}')).authorization).toBe(headers.authorization);
    const otherBody = await sign('{"x":1}');
    expect(otherBody.authorization).not.toBe(headers.authorization);
  });
});

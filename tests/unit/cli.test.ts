import { run } from '../../cli/main';
import { parseDuration } from '../../cli/duration';
import { regionOfHost, signRequest } from '../../cli/sigv4';
import { COMMANDS } from '../../cli/commands';
import { VERSION } from '../../cli/version';
import { captureIo } from '../support/cli-io';

describe('lpb command line', () => {
  it('reads durations in seconds, minutes, hours and days', () => {
    expect([parseDuration('3600'), parseDuration('90m'), parseDuration('12h'), parseDuration('7d')]).toEqual([
      3600, 5400, 43200, 604800,
    ]);
    expect(() => parseDuration('1w')).toThrow(/--duration/);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['lsit'], /unknown command "lsit"; did you mean list\?/],
    [['create', '--fucntion', 'order-processor'], /unknown option --fucntion; did you mean --function\?/],
    [['list', '--stauts', 'PENDING'], /did you mean --status\?/],
    [['allowlist', 'pt', 'orders'], /lpb allowlist: unknown command "pt"; did you mean put\?/],
    [['allowlist'], /which one\? list, get, put, delete, impact/],
    [['get'], /missing ID/],
    [['create', '--function', 'f'], /missing --duration, --reason/],
    [['approve', 'id-1', '--bogus'], /unknown option --bogus/],
    [['get', 'a', 'b'], /too many arguments/],
    [['get', 'a', '--url'], /argument missing/],
    [['get', 'a', '--output', 'yaml'], /--output: "yaml" is not text or json/],
    [[], /which command\?/],
  ])('exits 1 with a reason for %j', async (argv, message) => {
    const io = captureIo();
    expect(await run(argv, io)).toBe(1);
    expect(io.stderr).toMatch(message);
    expect(io.stdout).toBe('');
  });

  it('offers no suggestion when nothing is close', async () => {
    const io = captureIo();
    await run(['create', '--zzzzzzzz'], io);
    expect(io.stderr).toMatch(/unknown option --zzzzzzzz\n/);
  });

  it('prints the version with --version, wherever it stands', async () => {
    for (const argv of [['--version'], ['list', '--version']]) {
      const io = captureIo();
      expect(await run(argv, io)).toBe(0);
      expect(io.stdout).toBe(`${VERSION}\n`);
    }
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('has --help on every command, exiting 0', async () => {
    for (const command of Object.keys(COMMANDS)) {
      const io = captureIo();
      expect(await run([...command.split(' '), '--help'], io)).toBe(0);
      expect(io.stdout).toContain('usage: lpb');
    }
  });

  it('gives every flag one type across commands, so a flag before the command reads the same', () => {
    const types = new Map<string, string>();
    for (const command of Object.values(COMMANDS)) {
      for (const [flag, spec] of Object.entries(command.options)) {
        expect(types.get(flag) ?? spec.type).toBe(spec.type);
        types.set(flag, spec.type);
      }
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

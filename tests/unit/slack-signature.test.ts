import { slackSignature, verifySlackSignature } from '../../adapters/slack/signature';

// Slack's published test vector (https://api.slack.com/authentication/verifying-requests-from-slack).
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

const verify = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) =>
  verifySlackSignature({
    secret: SECRET,
    timestamp: TIMESTAMP,
    signature: SIGNATURE,
    rawBody: BODY,
    nowSeconds: Number(TIMESTAMP),
    ...overrides,
  });

describe('Slack request signatures', () => {
  it('reproduces Slack’s published test vector', () => {
    expect(slackSignature(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
    expect(verify()).toBe(true);
  });

  it.each<[string, Partial<Parameters<typeof verifySlackSignature>[0]>]>([
    ['a wrong secret', { secret: 'not-the-secret' }],
    ['a body altered after signing', { rawBody: BODY.replace('foobar', 'foobaz') }],
    ['a missing timestamp', { timestamp: undefined }],
    ['a missing signature', { signature: undefined }],
    ['a timestamp 6 minutes old', { nowSeconds: Number(TIMESTAMP) + 360 }],
    ['a timestamp 6 minutes ahead', { nowSeconds: Number(TIMESTAMP) - 360 }],
    ['another version', { signature: SIGNATURE.replace('v0=', 'v1=') }],
    ['a truncated signature', { signature: SIGNATURE.slice(0, -2) }],
    ['a non-numeric timestamp', { timestamp: '1531420618abc' }],
  ])('refuses %s', (_name, overrides) => {
    expect(verify(overrides)).toBe(false);
  });

  it('accepts the edges of the 5-minute window', () => {
    expect(verify({ nowSeconds: Number(TIMESTAMP) + 300 })).toBe(true);
    expect(verify({ nowSeconds: Number(TIMESTAMP) - 300 })).toBe(true);
  });
});

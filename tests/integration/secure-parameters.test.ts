import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { loadConfig } from '../../handlers/config';
import { withSecrets } from '../../handlers/lambda-app';
import { freshMoto, motoEndpoint } from '../support/aws';

// moto answers its first SSM call only after loading its default parameters: 4–6 s measured on a loaded machine.
jest.setTimeout(30_000);

describe('Slack secrets from SSM Parameter Store (moto)', () => {
  it('reads SecureString parameters named in the configuration, once, and leaves Slack off when one is missing', async () => {
    await freshMoto();
    const ssm = new SSMClient({ region: 'us-east-1', endpoint: motoEndpoint() });
    await ssm.send(
      new PutParameterCommand({ Name: '/lpb/test/slack-bot-token', Value: 'xoxb-from-ssm', Type: 'SecureString' }),
    );
    const base = {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: motoEndpoint(),
      SLACK_BOT_TOKEN_PARAMETER: '/lpb/test/slack-bot-token',
      SLACK_SIGNING_SECRET_PARAMETER: '/lpb/test/slack-signing-secret',
    };
    const resolved = await withSecrets(loadConfig(base));
    expect(resolved.SLACK_BOT_TOKEN).toBe('xoxb-from-ssm');
    expect(resolved.SLACK_SIGNING_SECRET).toBeUndefined();
    const explicit = await withSecrets(loadConfig({ ...base, SLACK_BOT_TOKEN: 'xoxb-env', SLACK_SIGNING_SECRET: 's' }));
    expect(explicit.SLACK_BOT_TOKEN).toBe('xoxb-env');
  });
});

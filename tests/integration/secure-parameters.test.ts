import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { loadDeployedConfig } from '../../handlers/config';
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
      BROKER_TABLE_NAME: 'lambda-permission-broker',
      BROKER_NOTIFY_QUEUE_URL: 'http://127.0.0.1:1/123456789012/notify.fifo',
      SLACK_BOT_TOKEN_PARAMETER: '/lpb/test/slack-bot-token',
      SLACK_SIGNING_SECRET_PARAMETER: '/lpb/test/slack-signing-secret',
    };
    expect((await withSecrets(loadDeployedConfig('notify', base))).SLACK_BOT_TOKEN).toBe('xoxb-from-ssm');
    expect((await withSecrets(loadDeployedConfig('slack', base))).SLACK_SIGNING_SECRET).toBeUndefined();
    // Deployed, a secret in plain environment is not read at all.
    const plain = await withSecrets(loadDeployedConfig('notify', { ...base, SLACK_BOT_TOKEN: 'xoxb-env' }));
    expect(plain.SLACK_BOT_TOKEN).toBe('xoxb-from-ssm');
  });
});

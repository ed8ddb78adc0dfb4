import { brokerAccount } from '../../adapters/aws/broker-account';
import { LambdaFunctionDirectory } from '../../adapters/lambda/function-directory';
import { UnavailableError } from '../../domain/errors';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createFunction, freshMoto } from '../support/aws';
import { ACCOUNT, fnArn } from '../support/fixtures';

describe('Lambda function directory (moto)', () => {
  it('resolves functions, versions and aliases, and reports missing ones as null', async () => {
    const clients = await freshMoto();
    await createFunction(clients, 'order-processor', { alias: 'live' });
    const directory = new LambdaFunctionDirectory(() => clients.lambda);
    const expected = {
      functionArn: fnArn('order-processor'),
      roleArn: expect.stringMatching(/^arn:aws:iam::/) as unknown,
    };
    await expect(directory.resolve('order-processor', null)).resolves.toEqual(expected);
    await expect(directory.resolve('order-processor', 'live')).resolves.toEqual(expected);
    await expect(directory.resolve('order-processor', '1')).resolves.toEqual(expected);
    await expect(directory.resolve('order-processor', 'blue')).resolves.toBeNull();
    await expect(directory.resolve('order-missing', null)).resolves.toBeNull();
  });

  it('turns an unreachable Lambda endpoint into UnavailableError', async () => {
    const dead = new LambdaClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', maxAttempts: 1 });
    await expect(new LambdaFunctionDirectory(() => dead).resolve('x', null)).rejects.toThrow(UnavailableError);
  });

  it('learns the broker account from STS', async () => {
    const clients = await freshMoto();
    await expect(brokerAccount(clients.sts)).resolves.toEqual({ accountId: ACCOUNT, partition: 'aws' });
  });
});

/**
 * RemovePermission of an adopted statement carries the RevisionId the broker read (docs/adoption.md, Adopt), and a 412
 * means the policy changed since; against an emulator (moto answers 412 to any RevisionId on RemovePermission) none is
 * sent.
 */
import { RemovePermissionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaResourcePolicyGateway } from '../../../adapters/lambda/resource-policy-gateway';
import { PolicyChangedError } from '../../../domain/errors';
import { fnArn } from '../../support/fixtures';

const target = { functionName: fnArn('order-processor'), qualifier: null };

function lambdaAnswering(error: Error | null) {
  const sent: Record<string, unknown>[] = [];
  const client = {
    send: (command: RemovePermissionCommand) => {
      sent.push({ ...command.input });
      return error ? Promise.reject(error) : Promise.resolve({});
    },
  } as unknown as LambdaClient;
  return { sent, lambdaIn: () => client };
}

it('sends the RevisionId it was given, and only then', async () => {
  const { sent, lambdaIn } = lambdaAnswering(null);
  const gateway = new LambdaResourcePolicyGateway(lambdaIn, { conditionalRemoves: true });
  await gateway.remove(target, 'team-sns', 'rev-7');
  await gateway.remove(target, 'lpb-own');
  expect(sent).toEqual([
    { FunctionName: target.functionName, StatementId: 'team-sns', RevisionId: 'rev-7' },
    { FunctionName: target.functionName, StatementId: 'lpb-own' },
  ]);
});

it('turns a 412 into PolicyChangedError (read again)', async () => {
  const stale = Object.assign(new Error('The Revision Id provided does not match the latest Revision Id.'), {
    name: 'PreconditionFailedException',
    $metadata: { httpStatusCode: 412 },
  });
  const { lambdaIn } = lambdaAnswering(stale);
  const gateway = new LambdaResourcePolicyGateway(lambdaIn, { conditionalRemoves: true });
  await expect(gateway.remove(target, 'team-sns', 'rev-7')).rejects.toThrow(PolicyChangedError);
});

it('sends none against an emulator that cannot honour it', async () => {
  const { sent, lambdaIn } = lambdaAnswering(null);
  await new LambdaResourcePolicyGateway(lambdaIn, { conditionalRemoves: false }).remove(target, 'team-sns', 'rev-7');
  expect(sent).toEqual([{ FunctionName: target.functionName, StatementId: 'team-sns' }]);
});

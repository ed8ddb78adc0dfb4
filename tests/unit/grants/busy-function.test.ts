/**
 * Lambda answers 409 ResourceConflictException both for "the Sid exists" and for "an update of the function is in
 * progress" (a deploy). The operator re-reads to tell which: a busy function is waited for, never failed or spun on.
 */
import { FunctionBusyError } from '../../../domain/errors';
import { grantFlow } from '../../support/grant-flow';

describe('a function busy with another operation', () => {
  it('re-reads once after a 409, then comes back later instead of spinning on AddPermission', async () => {
    const { create, approve, policies, scheduler, sleeps, advance } = await grantFlow();
    const request = await create();
    policies.calls.length = 0;
    policies.failures.add = [new FunctionBusyError('An update is in progress for resource: order-processor')];
    expect((await approve(request.id)).status).toBe('APPROVED');
    expect(policies.calls).toEqual(['read', 'add', 'read']);
    expect(sleeps).toEqual([]);
    expect(scheduler.scheduled).toEqual([{ requestId: request.id, kind: 'now', at: '2026-11-26T12:00:03.000Z' }]);
    await advance(3);
    expect(policies.statements(request.functionArn)).toEqual([request.statement]);
  });

  it('counts a 409 for its own Sid, already there with the approved meaning, as applied', async () => {
    const { create, approve, policies } = await grantFlow();
    const request = await create();
    // The statement lands (another worker's AddPermission) just as ours is refused as a duplicate.
    const add = policies.add.bind(policies);
    policies.add = async (target, statement, revision) => {
      await add(target, statement, revision);
      throw new FunctionBusyError('The statement id provided already exists');
    };
    expect((await approve(request.id)).status).toBe('ACTIVE');
    expect(policies.statements(request.functionArn)).toEqual([request.statement]);
  });
});

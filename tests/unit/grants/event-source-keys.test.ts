/**
 * Event sources under a customer-managed KMS key: Lambda's poller reads them with the function's role, so the role
 * also needs kms:Decrypt on that key, or the mapping is made, the grant shows ACTIVE and no record ever arrives.
 */
import { EventSourceKeyUnresolvedError, RoleNotReadyError, ValidationError } from '../../../domain/errors';
import { canonicalHash } from '../../../domain/rules/canonical-hash';
import { ACCOUNT, ADMIN, OTHER_ACCOUNT, REQUESTER, baseAsk, openEntry, who } from '../../support/fixtures';
import { grantFlow } from '../../support/grant-flow';

const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:order-queue`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0d6f1b1e-5b3c-4a43-9d35-4e8a9c8b7a61`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/exec`;

describe('event sources under a customer-managed KMS key', () => {
  it('shows kms:Decrypt on the key in the statement the approvers see, and gives the role exactly that', async () => {
    const { create, approve, keys, roles } = await grantFlow();
    keys.keys.set(QUEUE, KEY);
    const request = await create({ eventSourceArn: QUEUE });
    expect(request.statement).toEqual({
      Sid: request.statementId.replace(/[^A-Za-z0-9]/g, ''),
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'kms:Decrypt'],
      Resource: [QUEUE, KEY],
    });
    expect(request.statementHash).toBe(canonicalHash(request.statement));
    expect((await approve(request.id)).status).toBe('ACTIVE');
    expect(roles.policies(ROLE).get(request.statementId)).toEqual({
      Version: '2012-10-17',
      Statement: [request.statement],
    });
  });

  it('shows the key in a dry run too', async () => {
    const { app, keys } = await grantFlow();
    keys.keys.set(QUEUE, KEY);
    const { request } = await app.createRequest({
      caller: who(REQUESTER),
      ask: { ...baseAsk, eventSourceArn: QUEUE },
      dryRun: true,
      idempotencyKey: null,
    });
    expect(request.statement.Resource).toEqual([QUEUE, KEY]);
  });

  it('asks for no key permission where none is needed', async () => {
    const { create } = await grantFlow();
    const request = await create({ eventSourceArn: QUEUE });
    expect(request.statement).toMatchObject({ Resource: QUEUE, Action: expect.not.arrayContaining(['kms:Decrypt']) });
  });

  it('refuses with a 400 naming eventSourceArn when the key cannot be resolved, storing nothing', async () => {
    const { create, keys, store } = await grantFlow();
    keys.keys.set(QUEUE, new EventSourceKeyUnresolvedError('the KMS key alias/orders that encrypts it does not exist'));
    const refusal = await create({ eventSourceArn: QUEUE }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).details).toEqual([
      { path: 'eventSourceArn', message: 'the KMS key alias/orders that encrypts it does not exist' },
    ]);
    expect(store.requests.size).toBe(0);
  });

  it('fails a grant whose source was put under a key after the approval was asked for, leaving nothing behind', async () => {
    const { create, approve, keys, roles, mappings } = await grantFlow();
    const request = await create({ eventSourceArn: QUEUE });
    keys.keys.set(QUEUE, KEY);
    expect(await approve(request.id)).toMatchObject({
      status: 'FAILED',
      failure: { reason: expect.stringContaining(`now encrypted with KMS key ${KEY}`) as unknown },
    });
    expect(roles.policies(ROLE).size).toBe(0);
    expect(mappings.mappings.size).toBe(0);
  });

  it('fails a grant whose key can no longer be resolved when it is applied', async () => {
    const { create, approve, keys } = await grantFlow();
    keys.keys.set(QUEUE, KEY);
    const request = await create({ eventSourceArn: QUEUE });
    keys.keys.set(QUEUE, new EventSourceKeyUnresolvedError(`the KMS key ${KEY} that encrypts it is PendingDeletion`));
    expect(await approve(request.id)).toMatchObject({
      status: 'FAILED',
      failure: { reason: expect.stringContaining('PendingDeletion') as unknown },
    });
  });
});

describe('a source in another account', () => {
  it('names the source policy, not IAM propagation, when the role still cannot read it after 5 minutes', async () => {
    const foreignQueue = `arn:aws:sqs:us-east-1:${OTHER_ACCOUNT}:order-queue`;
    const { create, approve, app, clock, mappings } = await grantFlow(
      openEntry({ eventSourceArns: [foreignQueue], sourceAccounts: [OTHER_ACCOUNT] }),
    );
    const request = await create({ eventSourceArn: foreignQueue });
    mappings.failures.create = [new RoleNotReadyError()];
    expect((await approve(request.id)).status).toBe('APPROVED');
    clock.advance(301);
    mappings.failures.create = [new RoleNotReadyError()];
    await app.sweep();
    expect((await app.getRequest(who(ADMIN), request.id)).failure?.reason).toBe(
      `the execution role ${ROLE} could not read the event source within 5 minutes: it is in account ${OTHER_ACCOUNT}, so its own policy (queue or stream policy) must allow that role`,
    );
  });
});

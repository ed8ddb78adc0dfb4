/**
 * Issue #15, finding 9: a mapping is the broker's when it carries the grant's owner tag, never because of when it last
 * changed. Each case was a takeover before tags: a mapping the broker did not create, or another grant's, was adopted
 * and later deleted with the grant.
 */
import { ADMIN, REQUESTER, fnArn, who } from '../../support/fixtures';
import { grantFlow } from '../../support/grant-flow';

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:order-queue';
const SPEC = { functionName: fnArn('order-processor'), qualifier: null, eventSourceArn: QUEUE, batchSize: null };
const ROLE = 'arn:aws:iam::123456789012:role/exec';

describe('finding 9 — mapping takeover', () => {
  it('does not adopt a pre-existing mapping that an app team toggled after the approval', async () => {
    const { create, app, drain, clock, mappings, roles, store } = await grantFlow();
    const foreign = mappings.add(SPEC);
    clock.advance(60);
    const request = await create({ eventSourceArn: QUEUE });
    await app.decide.approve({
      approver: who('arn:aws:iam::123456789012:role/platform-approver'),
      id: request.id,
      comment: null,
    });
    clock.advance(1);
    mappings.toggle(foreign); // disabled and enabled again: LastModified is now after the approval
    await drain();
    expect(await store.get(request.id)).toMatchObject({
      status: 'FAILED',
      eventSourceMappingUuid: null,
      failure: { reason: expect.stringContaining('made outside the broker') as unknown },
    });
    expect(mappings.mappings.has(foreign)).toBe(true);
    expect(roles.policies(ROLE).size).toBe(0);
  });

  it('keeps two grants for one function and queue from sharing a mapping, so revoking one spares the other', async () => {
    const { create, approve, revoke, mappings } = await grantFlow();
    const first = await create({ eventSourceArn: QUEUE });
    const second = await create({ eventSourceArn: QUEUE });
    const firstActive = await approve(first.id);
    expect(firstActive.status).toBe('ACTIVE');
    // Approved within the same second as the first mapping was made.
    const secondOutcome = await approve(second.id);
    expect(secondOutcome).toMatchObject({
      status: 'FAILED',
      eventSourceMappingUuid: null,
      failure: { reason: expect.stringContaining(`belongs to grant ${first.id}`) as unknown },
    });
    expect(mappings.mappings.get(firstActive.eventSourceMappingUuid as string)?.tags).toEqual({
      'lpb:request': first.id,
    });
    expect((await revoke(REQUESTER, first.id)).status).toBe('REVOKED');
    expect(mappings.mappings.size).toBe(0);
  });

  it('does not adopt a mapping made outside the broker in the same second as the approval', async () => {
    const { create, app, drain, mappings, roles, store, clock } = await grantFlow();
    const request = await create({ eventSourceArn: QUEUE });
    await app.decide.approve({
      approver: who('arn:aws:iam::123456789012:role/platform-approver'),
      id: request.id,
      comment: null,
    });
    const foreign = mappings.add(SPEC);
    await drain();
    expect(await store.get(request.id)).toMatchObject({ status: 'FAILED', eventSourceMappingUuid: null });
    clock.advance(7200);
    await app.sweep();
    expect(mappings.mappings.has(foreign)).toBe(true);
    expect(roles.policies(ROLE).size).toBe(0);
    expect((await app.getRequest(who(ADMIN), request.id)).status).toBe('FAILED');
  });

  it('adopts its own tagged mapping after a crash between creating it and recording it', async () => {
    const { create, app, drain, mappings, store } = await grantFlow();
    const request = await create({ eventSourceArn: QUEUE });
    await app.decide.approve({
      approver: who('arn:aws:iam::123456789012:role/platform-approver'),
      id: request.id,
      comment: null,
    });
    const ours = await mappings.create(SPEC, request.id); // the create happened; the broker never heard
    await drain();
    expect(await store.get(request.id)).toMatchObject({ status: 'ACTIVE', eventSourceMappingUuid: ours });
    expect(mappings.mappings.size).toBe(1);
  });
});

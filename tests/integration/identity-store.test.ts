/**
 * Approvers from the identity provider against the emulator's identity store, over real sockets: the adapter reads
 * groups by display name and people by user name, forgets a removed membership within its bound, and the broker
 * refuses unknown groups at PUT, lets a member approve and refuses a non-member.
 */
import { DeleteGroupMembershipCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { IdentityStoreGroups } from '../../adapters/identity-store/identity-store-groups';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { addGroupMember, createFunction, motoApp, motoEndpoint, settleNow } from '../support/aws';
import { ADMIN, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry, who } from '../support/fixtures';
import { eventually } from '../support/runner';

const STORE = 'd-0123456789';
const session = (name: string) => `arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Approvers_2222bbbb/${name}`;
const TTL_MS = 500;

async function setup() {
  const { app, clients } = await motoApp(
    'identity-store-broker',
    { BROKER_IDENTITY_STORE_ID: STORE },
    { groupTtlMs: TTL_MS },
  );
  await createFunction(clients, 'order-processor');
  const bob = await addGroupMember(motoEndpoint(), STORE, 'payments-owners', 'bob');
  await addGroupMember(motoEndpoint(), STORE, 'security-oncall', 'carol');
  const store = new IdentitystoreClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  const ask = () =>
    app.createRequest({
      caller: who(REQUESTER),
      ask: { ...baseAsk, ...PRINCIPAL_CASES[2].ask },
      dryRun: false,
      idempotencyKey: null,
    });
  return { app, bob, store, ask };
}

describe('the identity store adapter', () => {
  it('reads a person’s groups among those asked about, and the groups the store does not have', async () => {
    await setup();
    const store = new IdentitystoreClient({ region: 'us-east-1', endpoint: motoEndpoint() });
    const groups = new IdentityStoreGroups(store, STORE, { now: () => Date.now() });
    expect([...(await groups.groupsOf('bob', ['payments-owners', 'security-oncall']))]).toEqual(['payments-owners']);
    expect([...(await groups.groupsOf('nobody', ['payments-owners']))]).toEqual([]);
    expect(await groups.unknownGroups(['payments-owners', 'payment-owners'])).toEqual(['payment-owners']);
  });
});

describe('approver groups', () => {
  it('refuses an entry naming a group the store does not have, by name', async () => {
    const { app } = await setup();
    const put = app.allowlist.put(who(ADMIN), 'payments', openEntry({ approverGroups: ['payment-owners'] }));
    await expect(put).rejects.toThrow(ValidationError);
    await expect(put).rejects.toThrow('approverGroups: payment-owners is not a group of the identity store');
    await expect(app.allowlist.get(who(ADMIN), 'payments')).rejects.toThrow(NotFoundError);
  });

  it('lets a member approve, refuses a non-member, and forgets a removed membership within its bound', async () => {
    const { app, bob, store, ask } = await setup();
    await app.allowlist.put(who(ADMIN), 'payments', openEntry({ approvers: [], approverGroups: ['payments-owners'] }));
    const first = (await ask()).request;
    await expect(app.decide.approve({ approver: who(session('carol')), id: first.id, comment: null })).rejects.toThrow(
      NotFoundError,
    );
    await app.decide.approve({ approver: who(session('bob')), id: first.id, comment: null });
    expect((await settleNow(app, first.id)).status).toBe('ACTIVE');

    const second = (await ask()).request;
    await store.send(new DeleteGroupMembershipCommand({ IdentityStoreId: STORE, MembershipId: bob.membershipId }));
    const removedAt = Date.now();
    // Bob sees the request while the store's answer is kept, and no longer once it is read again.
    await eventually(async () => {
      try {
        await app.getRequest(who(session('bob')), second.id);
        return undefined;
      } catch (error) {
        if (error instanceof NotFoundError) return true;
        throw error;
      }
    });
    await expect(app.decide.approve({ approver: who(session('bob')), id: second.id, comment: null })).rejects.toThrow(
      NotFoundError,
    );
    // Refused no later than the cache keeps an answer (and the time one approve takes).
    expect(Date.now() - removedAt).toBeLessThan(TTL_MS + 2_000);
  });

  it('needs both of two steps, and counts a person who belongs to both groups once', async () => {
    const { app, ask } = await setup();
    // Carol is in both groups; Dave only in security.
    await addGroupMember(motoEndpoint(), STORE, 'payments-owners', 'carol');
    await addGroupMember(motoEndpoint(), STORE, 'security-oncall', 'dave');
    const step = (name: string, group: string) => ({
      name,
      approvers: [],
      approverGroups: [group],
      requiredApprovals: 1,
      slackChannel: null,
    });
    await app.allowlist.put(
      who(ADMIN),
      'payments',
      openEntry({
        approvers: [],
        approvalSteps: [step('owners', 'payments-owners'), step('security', 'security-oncall')],
      }),
    );
    const { request } = await ask();
    const carol = await app.decide.approve({ approver: who(session('carol')), id: request.id, comment: null });
    expect(carol).toMatchObject({
      status: 'PENDING',
      approvals: [{ person: 'carol', step: 'owners', counted: true }],
      approvalSteps: [
        { name: 'owners', counted: 1 },
        { name: 'security', counted: 0 },
      ],
    });
    const again = app.decide.approve({ approver: who(session('Carol')), id: request.id, comment: null });
    await expect(again).rejects.toThrow('has already approved');
    const dave = await app.decide.approve({ approver: who(session('dave')), id: request.id, comment: null });
    expect(dave.status).toBe('APPROVED');
    expect(dave.approvals.map((a) => [a.person, a.step])).toEqual([
      ['carol', 'owners'],
      ['dave', 'security'],
    ]);
  });
});

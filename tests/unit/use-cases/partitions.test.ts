/**
 * A grant's life in the partitions other than `aws` (issue #12 item 4): Lambda stores an account principal as its root
 * ARN in the function's partition, so a broker that wrote `arn:aws:` would read its own statement back as "different"
 * and take it away. The in-memory Lambda stores statements the way AWS does (tests/support/in-memory-gateways.ts).
 */
import type { GrantRequest } from '../../../domain/model/request';
import { ACCOUNT, OTHER_ACCOUNT, baseAsk, openEntry, who } from '../../support/fixtures';
import { inMemoryApp } from '../../support/in-memory-app';

const PLACES = [
  { partition: 'aws-us-gov', region: 'us-gov-west-1' },
  { partition: 'aws-cn', region: 'cn-north-1' },
] as const;

describe.each(PLACES)('a grant in the $partition partition', ({ partition, region }) => {
  const role = (account: string, name: string) => `arn:${partition}:iam::${account}:role/${name}`;
  const fn = (name: string) => `arn:${partition}:lambda:${region}:${ACCOUNT}:function:${name}`;
  const queue = `arn:${partition}:sqs:${region}:${ACCOUNT}:order-queue`;
  const admin = role(ACCOUNT, 'broker-admin');
  const requester = role(ACCOUNT, 'orders-ci');
  const approver = role(ACCOUNT, 'platform-approver');

  async function setup() {
    const ctx = inMemoryApp({ AWS_REGION: region, BROKER_ADMINS: admin }, {}, { partition, region, admins: [admin] });
    await ctx.app.allowlist.put(
      who(admin),
      'orders',
      openEntry({
        functions: [fn('order-*')],
        principals: [OTHER_ACCOUNT, role(OTHER_ACCOUNT, '*')],
        sourceArns: [],
        eventSourceArns: [`arn:${partition}:sqs:${region}:${ACCOUNT}:order-*`],
        requesters: [requester],
        approvers: [approver],
      }),
    );
    const status = async (id: string) => ((await ctx.store.get(id)) as GrantRequest).status;
    /** Created, approved and settled: the request as stored after the pipeline ran. */
    async function granted(ask: Record<string, unknown>): Promise<GrantRequest> {
      const { request } = await ctx.app.createRequest({
        caller: who(requester),
        ask: { ...baseAsk, ...ask },
        dryRun: false,
        idempotencyKey: null,
      });
      await ctx.app.decide.approve({ approver: who(approver), id: request.id, comment: null });
      await ctx.drain();
      return (await ctx.store.get(request.id)) as GrantRequest;
    }
    async function revoked(id: string): Promise<GrantRequest['status']> {
      await ctx.app.revokeRequest(who(requester), id, null);
      await ctx.drain();
      return status(id);
    }
    return { ...ctx, granted, revoked, status };
  }

  it.each([
    ['an account id', OTHER_ACCOUNT, `arn:${partition}:iam::${OTHER_ACCOUNT}:root`],
    ['an IAM role', role(OTHER_ACCOUNT, 'orders-reader'), role(OTHER_ACCOUNT, 'orders-reader')],
  ])(
    'for %s: applied as Lambda stores it, kept by the sweep and reconcile, removed at revoke',
    async (_, asked, stored) => {
      const { granted, revoked, status, policies, app } = await setup();
      const request = await granted({ principal: asked });
      expect(request.status).toBe('ACTIVE');
      expect(request.statement).toMatchObject({ Principal: { AWS: stored }, Resource: fn('order-processor') });
      expect(policies.statements(fn('order-processor'))).toEqual([request.statement]);

      await app.sweep();
      expect(await app.reconcile()).toMatchObject({ orphansRemoved: [], missing: [] });
      expect(await status(request.id)).toBe('ACTIVE');
      expect(policies.statements(fn('order-processor'))).toEqual([request.statement]);

      expect(await revoked(request.id)).toBe('REVOKED');
      expect(policies.statements(fn('order-processor'))).toEqual([]);
    },
  );

  it('for an SQS queue: the mapping and the role statement in the partition, both gone at revoke', async () => {
    const { granted, revoked, mappings, roles } = await setup();
    const request = await granted({ principal: undefined, eventSourceArn: queue });
    expect(request).toMatchObject({ status: 'ACTIVE', executionRoleArn: role(ACCOUNT, 'exec') });
    expect(request.statement).toMatchObject({ Resource: queue });
    expect([...mappings.mappings.values()].map((m) => m.eventSourceArn)).toEqual([queue]);
    expect(JSON.stringify([...roles.roles.values()].map((r) => [...r.values()]))).toContain(queue);

    expect(await revoked(request.id)).toBe('REVOKED');
    expect([...mappings.mappings.values()]).toEqual([]);
    expect(JSON.stringify([...roles.roles.values()].map((r) => [...r.values()]))).not.toContain(queue);
  });
});

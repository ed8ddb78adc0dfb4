import type { GrantRequest } from '../../../domain/model/request';
import { extensionAsk } from '../../../domain/rulebook/ask';
import { extensionRoomSeconds } from '../../../domain/rulebook/extension';

const now = new Date('2026-12-07T12:00:00.000Z');
const grant = (status: GrantRequest['status'], expiresAt: string | null) =>
  ({
    status,
    expiresAt,
    durationSeconds: 3600,
    history: [],
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-processor',
    principal: 'sns.amazonaws.com',
    sourceArn: 'arn:aws:sns:us-east-1:123456789012:orders',
  }) as unknown as GrantRequest;

describe('the room an extension has', () => {
  it('is the entry’s maximum less the time left, so the longest offer is one the rulebook allows', () => {
    const active = grant('ACTIVE', '2026-12-07T12:15:00.000Z');
    const room = extensionRoomSeconds(active, 3600, now);
    expect(room).toBe(2700);
    // The ask the rulebook judges for the longest offer fits the entry exactly; one second more would not.
    expect(extensionAsk(active, room, now).lifetimeSeconds).toBe(3600);
  });

  it('is nothing when the grant already has all the entry allows, and the duration for one not started', () => {
    expect(extensionRoomSeconds(grant('ACTIVE', '2026-12-07T13:30:00.000Z'), 3600, now)).toBe(0);
    expect(extensionRoomSeconds(grant('SCHEDULED', '2026-12-08T13:00:00.000Z'), 7200, now)).toBe(3600);
  });
});

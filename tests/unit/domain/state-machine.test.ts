import { IllegalTransitionError } from '../../../domain/errors';
import { REQUEST_STATUSES, type GrantRequest, type RequestStatus } from '../../../domain/model/request';
import { canMove, isTerminal, move } from '../../../domain/state-machine';

const request = (status: RequestStatus) =>
  ({ id: 'r1', status, history: [], endedAt: null }) as unknown as GrantRequest;
const at = new Date('2026-11-26T12:00:00.000Z');

describe('request state machine', () => {
  it.each<[RequestStatus, RequestStatus]>([
    ['PENDING', 'APPROVED'],
    ['PENDING', 'REJECTED'],
    ['PENDING', 'CANCELLED'],
    ['PENDING', 'TIMED_OUT'],
    ['APPROVED', 'ACTIVE'],
    ['APPROVED', 'FAILED'],
    ['APPROVED', 'EXTENDED'],
    ['APPROVED', 'REVOKED'],
    ['ACTIVE', 'EXPIRED'],
    ['ACTIVE', 'REVOKED'],
    ['APPROVED', 'SCHEDULED'],
    ['SCHEDULED', 'ACTIVE'],
    ['SCHEDULED', 'FAILED'],
    ['SCHEDULED', 'CANCELLED'],
    ['SCHEDULED', 'REVOKED'],
    ['SCHEDULED', 'EXPIRED'],
  ])('moves %s → %s and records it', (from, to) => {
    const next = move(request(from), to, { at, actor: 'someone', detail: { why: 'test' } });
    expect(next.status).toBe(to);
    expect(next.updatedAt).toBe(at.toISOString());
    expect(next.history).toHaveLength(1);
    expect(next.history[0]).toMatchObject({ at: at.toISOString(), actor: 'someone', detail: { why: 'test' } });
    expect(next.endedAt).toBe(isTerminal(to) ? at.toISOString() : null);
  });

  it('refuses every other move with an IllegalTransitionError', () => {
    const legal = new Set([
      'PENDING>APPROVED',
      'PENDING>REJECTED',
      'PENDING>CANCELLED',
      'PENDING>TIMED_OUT',
      'APPROVED>ACTIVE',
      'APPROVED>FAILED',
      'APPROVED>EXTENDED',
      'APPROVED>REVOKED',
      'ACTIVE>EXPIRED',
      'ACTIVE>REVOKED',
      'APPROVED>SCHEDULED',
      'SCHEDULED>ACTIVE',
      'SCHEDULED>FAILED',
      'SCHEDULED>CANCELLED',
      'SCHEDULED>REVOKED',
      'SCHEDULED>EXPIRED',
    ]);
    for (const from of REQUEST_STATUSES) {
      for (const to of REQUEST_STATUSES) {
        expect(canMove(from, to)).toBe(legal.has(`${from}>${to}`));
        if (!legal.has(`${from}>${to}`))
          expect(() => move(request(from), to, { at, actor: 'x' })).toThrow(IllegalTransitionError);
      }
    }
  });

  it('knows the final states', () => {
    expect(REQUEST_STATUSES.filter(isTerminal)).toEqual([
      'EXPIRED',
      'REVOKED',
      'REJECTED',
      'CANCELLED',
      'TIMED_OUT',
      'FAILED',
      'EXTENDED',
    ]);
  });
});

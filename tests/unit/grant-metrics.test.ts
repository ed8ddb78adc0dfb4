import { GrantMetrics, type MetricSink } from '../../adapters/metrics/grant-metrics';
import type { GrantRequest } from '../../domain/model/request';

function sink() {
  const seen: [string, number][] = [];
  const s: MetricSink = {
    count: (name, value = 1) => seen.push([name, value]),
    seconds: (name, value) => seen.push([name, value]),
    milliseconds: (name, value) => seen.push([name, value]),
  };
  return { s, seen };
}

describe('grant metrics', () => {
  it('counts lifecycle events and measures the expiry lag', async () => {
    const { s, seen } = sink();
    const request = { expiresAt: '2026-11-26T13:00:00.000Z' } as GrantRequest;
    await new GrantMetrics(s).recorded(request, [
      { at: '2026-11-26T12:00:00.000Z', event: 'CREATED', actor: 'a', detail: {} },
      { at: '2026-11-26T12:00:00.000Z', event: 'APPROVAL', actor: 'b', detail: {} },
      { at: '2026-11-26T12:00:00.000Z', event: 'APPROVED', actor: 'b', detail: {} },
      { at: '2026-11-26T12:00:00.000Z', event: 'ACTIVATED', actor: 'broker', detail: {} },
      { at: '2026-11-26T13:00:42.500Z', event: 'EXPIRED', actor: 'broker', detail: {} },
    ]);
    expect(seen).toEqual([
      ['RequestsCreated', 1],
      ['RequestsApproved', 1],
      ['GrantsActivated', 1],
      ['GrantsExpired', 1],
      ['ExpiryLagSeconds', 42.5],
    ]);
  });

  it('counts adoptions of statements the broker did not write', async () => {
    const { s, seen } = sink();
    await new GrantMetrics(s).recorded({} as GrantRequest, [
      { at: '2026-11-26T12:00:00.000Z', event: 'ADOPTED', actor: 'admin', detail: { statementId: 'team-sns' } },
    ]);
    expect(seen).toEqual([['StatementsAdopted', 1]]);
  });
});

import { callsPerSecond, lambdaBudgetOf, parseAccessLog } from '../support/moto-access-log';

const LOG = `
127.0.0.1 - - [27/Nov/2026 16:01:02] "POST /2015-03-31/functions/order-1/policy HTTP/1.1" 201 -
127.0.0.1 - - [27/Nov/2026 16:01:02] "GET /2015-03-31/functions/order-1/policy HTTP/1.1" 200 -
127.0.0.1 - - [27/Nov/2026 16:01:02] "GET /2015-03-31/functions/order-1 HTTP/1.1" 200 -
127.0.0.1 - - [27/Nov/2026 16:01:02] "DELETE /2015-03-31/functions/order-1/policy/lpb-1?Qualifier=live HTTP/1.1" 204 -
127.0.0.1 - - [27/Nov/2026 16:01:03] "POST /2015-03-31/event-source-mappings/ HTTP/1.1" 201 -
127.0.0.1 - - [27/Nov/2026 16:01:03] "GET /2015-03-31/functions/ HTTP/1.1" 200 -
127.0.0.1 - - [27/Nov/2026 16:01:03] "POST / HTTP/1.1" 200 -
not a log line
`;

describe("moto's access log as Lambda calls per second", () => {
  it('counts control-plane calls and GetPolicy apart, and neither GetFunction nor other services', () => {
    const calls = parseAccessLog(LOG);
    expect(calls).toHaveLength(7);
    expect(calls.map(lambdaBudgetOf)).toEqual(['control', 'getPolicy', null, 'control', 'control', 'control', null]);
    expect([...callsPerSecond(calls, 'control')]).toEqual([
      ['27/Nov/2026 16:01:02', 2],
      ['27/Nov/2026 16:01:03', 2],
    ]);
    expect([...callsPerSecond(calls, 'getPolicy')]).toEqual([['27/Nov/2026 16:01:02', 1]]);
  });
});

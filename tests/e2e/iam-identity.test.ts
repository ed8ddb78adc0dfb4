/** With the default BROKER_IDENTITY=iam, X-Broker-Principal is ignored: locally there is no SigV4, so no identity. */
import { motoEndpoint, freshMoto } from '../support/aws';
import { ADMIN, PRINCIPAL_CASES, REQUESTER, baseAsk } from '../support/fixtures';
import { http, startRunner, type Runner } from '../support/runner';

let runner: Runner;

beforeAll(async () => {
  await freshMoto('iam-broker');
  runner = await startRunner({
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: 'iam-broker',
    BROKER_IDENTITY: 'iam',
    BROKER_ADMINS: ADMIN,
  });
}, 90_000);

afterAll(async () => {
  await runner?.stop();
});

it('ignores X-Broker-Principal in iam mode', async () => {
  for (const principal of [REQUESTER, ADMIN]) {
    const create = await http(runner.baseUrl, 'POST', '/v1/requests', {
      principal,
      body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask },
    });
    expect(create.status).toBe(401);
    expect((await http(runner.baseUrl, 'GET', '/v1/allowlist', { principal })).status).toBe(401);
  }
  expect((await http(runner.baseUrl, 'GET', '/v1/health')).status).toBe(200);
});

/**
 * The deployed handlers behind a third-party API Gateway and Lambda emulator (#12 item 8): serverless-offline over the
 * project's serverless.yml (not the local runner), its functions bundled by serverless-esbuild and configured by the
 * deployed schemas, pointed at this run's moto through the environment.
 *
 * serverless-offline does not do AWS_IAM authorization: it verifies no signature and puts the constant
 * "offlineContext_userArn" in requestContext.identity.userArn (there is no option or header that sets it). So over its
 * HTTP port the public route answers and every IAM route is a 401, which is what a deployed broker must do with an
 * identity that is not an IAM ARN. The grant's lifecycle runs through its Lambda Invoke API instead, with the event API
 * Gateway sends after AWS_IAM authorization (the caller's ARN in requestContext.identity.userArn).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { asAwsStores, createFunction, freshMoto, policyStatements, testClients } from '../support/aws';
import { ADMIN, APPROVER, PRINCIPAL_CASES, REQUESTER, baseAsk, openEntry } from '../support/fixtures';
import { iamEvent, startOffline, type Offline } from '../support/serverless-offline';

jest.setTimeout(240_000);

const TABLE = 'offline-broker';
let offline: Offline;
let clients: ReturnType<typeof testClients>;

beforeAll(async () => {
  clients = await freshMoto(TABLE);
  await createFunction(clients, 'order-processor');
  // The emulator has no IAM Access Analyzer: off, as the stage parameter accessAnalyzer sets it where AWS has none.
  offline = await startOffline({ BROKER_TABLE_NAME: TABLE, BROKER_ADMINS: ADMIN, BROKER_ACCESS_ANALYZER: 'off' }, [
    'health',
    'allowlist',
    'requests',
    'decisions',
    'sweep',
  ]);
}, 240_000);

afterAll(async () => {
  await offline?.stop();
});

async function invoke(fn: string, event: ReturnType<typeof iamEvent>) {
  const answer = (await offline.invoke(fn, event)) as APIGatewayProxyResult;
  return { status: answer.statusCode, body: answer.body ? (JSON.parse(answer.body) as Record<string, any>) : null };
}

/** The scheduled sweep, invoked as EventBridge would: it finishes what an answer left (no queue consumers here). */
const sweep = () => offline.invoke('sweep', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });

const ourStatements = async () =>
  (await policyStatements(clients, 'order-processor')).map(asAwsStores).filter((s) => String(s.Sid).startsWith('lpb-'));

it('serves its HTTP events to the real handlers, and no IAM route to an identity that is not IAM', async () => {
  const health = await fetch(`${offline.httpUrl}/v1/health`);
  expect({ status: health.status, body: await health.json() }).toEqual({ status: 200, body: { status: 'ok' } });
  const bogus = await fetch(`${offline.httpUrl}/v1/health?bogus=1`);
  expect(bogus.status).toBe(400);
  for (const headers of [{}, { 'X-Broker-Principal': ADMIN }] as Record<string, string>[]) {
    const read = await fetch(`${offline.httpUrl}/v1/allowlist`, { headers });
    expect({ status: read.status, body: await read.json() }).toEqual({
      status: 401,
      body: { error: { code: 'Unauthenticated', message: 'the request carries no IAM identity' } },
    });
  }
});

it('creates, approves and revokes a grant through the deployed functions', async () => {
  const entry = iamEvent('PUT', '/v1/allowlist/{entryId}', {
    pathParameters: { entryId: 'orders' },
    body: openEntry(),
    userArn: ADMIN,
  });
  expect((await invoke('allowlist', entry)).status).toBe(200);

  const created = await invoke(
    'requests',
    iamEvent('POST', '/v1/requests', { body: { ...baseAsk, ...PRINCIPAL_CASES[2].ask }, userArn: REQUESTER }),
  );
  expect(created).toMatchObject({ status: 201, body: { status: 'PENDING', requester: REQUESTER } });
  const id = created.body?.id as string;
  const read = () =>
    invoke('requests', iamEvent('GET', '/v1/requests/{id}', { pathParameters: { id }, userArn: REQUESTER }));

  const approved = await invoke(
    'decisions',
    iamEvent('POST', '/v1/requests/{id}/approve', { pathParameters: { id }, body: {}, userArn: APPROVER }),
  );
  expect(approved.status).toBe(200);
  // ACTIVE when the grant was applied within the answer's 1.5 s; else the sweep finishes it.
  if (approved.body?.status === 'APPROVED') await sweep();
  expect((await read()).body?.status).toBe('ACTIVE');
  expect(await ourStatements()).toEqual([created.body?.statement]);

  const revoked = await invoke(
    'decisions',
    iamEvent('POST', '/v1/requests/{id}/revoke', {
      pathParameters: { id },
      body: { reason: 'smoke' },
      userArn: REQUESTER,
    }),
  );
  expect([200, 202]).toContain(revoked.status);
  if (revoked.status === 202) await sweep();
  expect((await read()).body).toMatchObject({ status: 'REVOKED', history: expect.any(Array) as unknown });
  expect(await ourStatements()).toEqual([]);
});

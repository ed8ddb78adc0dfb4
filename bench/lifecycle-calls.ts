/** Lambda control-plane calls one grant lifecycle costs (invoke and SQS event source), counted at the SDK. */
import { buildApp, createAwsClients } from '../handlers/app';
import { loadConfig } from '../handlers/config';
import type { BenchAws } from './bench-aws';
import { ADMIN, APPROVER, REQUESTER, openEntry, who } from '../tests/support/fixtures';

export async function measureLifecycleCalls(aws: BenchAws): Promise<Record<string, Record<string, number>>> {
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: aws.endpoint,
    BROKER_TABLE_NAME: aws.table,
    // The bench asks many times as one requester.
    BROKER_MAX_PENDING_PER_REQUESTER: '1000',
    BROKER_ADMINS: ADMIN,
  });
  const clients = createAwsClients(config);
  const counts: Record<string, number> = {};
  for (const client of [clients.lambda, clients.iam]) {
    (client as unknown as typeof clients.lambda).middlewareStack.add(
      (next, context) => async (args) => {
        const service = context.clientName === 'IAMClient' ? 'iam:' : '';
        const name = service + String(context.commandName).replace(/Command$/, '');
        counts[name] = (counts[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'benchCount' },
    );
  }
  const app = await buildApp(config, clients);
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
  const caller = who(REQUESTER);
  const result: Record<string, Record<string, number>> = {};
  const lifecycle = async (label: string, ask: Record<string, unknown>) => {
    for (const key of Object.keys(counts)) delete counts[key];
    const { request } = await app.createRequest({
      caller,
      ask: { functionName: 'order-processor', durationSeconds: 3600, reason: 'bench lifecycle calls', ...ask },
      dryRun: false,
      idempotencyKey: null,
    });
    const deadline = () => ({ deadline: new Date(Date.now() + 20_000) });
    await app.decide.approve({ approver: who(APPROVER), id: request.id, comment: null });
    await app.settle.settle(request.id, deadline());
    await app.revokeRequest(who(REQUESTER), request.id, null);
    await app.settle.settle(request.id, deadline());
    result[label] = { ...counts };
  };
  await lifecycle('invoke (SNS)', {
    principal: 'sns.amazonaws.com',
    sourceArn: 'arn:aws:sns:us-east-1:123456789012:orders-topic',
  });
  await lifecycle('event source (SQS)', { eventSourceArn: aws.queueArn });
  return result;
}

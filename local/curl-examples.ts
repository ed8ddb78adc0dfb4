/** Copy-paste curl commands printed at start; they work as printed against the demo data. */
import { DEMO_ADMIN, DEMO_APPROVER, DEMO_REQUESTER, DEMO_SPOKE_ACCOUNT } from './demo-seed';

export function curlExamples(baseUrl: string, accountId: string, region: string): string[] {
  const ask = (account: string, functionName: string) =>
    JSON.stringify({
      functionName,
      principal: 'sns.amazonaws.com',
      sourceArn: `arn:aws:sns:${region}:${account}:orders-topic`,
      durationSeconds: 3600,
      reason: 'orders topic fan-out to the processor',
    });
  const body = ask(accountId, 'order-processor');
  // A function of another account is named by its ARN; the broker acts there through that account's spoke role.
  const spokeBody = ask(DEMO_SPOKE_ACCOUNT, `arn:aws:lambda:${region}:${DEMO_SPOKE_ACCOUNT}:function:order-processor`);
  const json = `-H 'content-type: application/json'`;
  return [
    `curl -s ${baseUrl}/v1/health`,
    `curl -s -H 'X-Broker-Principal: ${DEMO_REQUESTER}' ${json} -d '${body}' '${baseUrl}/v1/requests?dryRun=true'`,
    `curl -s -H 'X-Broker-Principal: ${DEMO_REQUESTER}' ${json} -H 'Idempotency-Key: demo-1' -d '${body}' ${baseUrl}/v1/requests`,
    `curl -s -H 'X-Broker-Principal: ${DEMO_REQUESTER}' ${json} -d '${spokeBody}' ${baseUrl}/v1/requests`,
    `curl -s -H 'X-Broker-Principal: ${DEMO_APPROVER}' '${baseUrl}/v1/requests?status=PENDING'`,
    `curl -s -H 'X-Broker-Principal: ${DEMO_ADMIN}' ${baseUrl}/v1/allowlist`,
  ];
}

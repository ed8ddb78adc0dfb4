/** Copy-paste curl commands printed at start; they work as printed against the demo data. */
import { DEMO_ADMIN, DEMO_APPROVER, DEMO_REQUESTER } from './demo-seed';

export function curlExamples(baseUrl: string, accountId: string, region: string): string[] {
  const body = JSON.stringify({
    functionName: 'order-processor',
    principal: 'sns.amazonaws.com',
    sourceArn: `arn:aws:sns:${region}:${accountId}:orders-topic`,
    durationSeconds: 3600,
    reason: 'orders topic fan-out to the processor',
  });
  const json = `-H 'content-type: application/json'`;
  return [
    `curl -s ${baseUrl}/v1/health`,
    `curl -s -H 'X-Broker-Principal: ${DEMO_REQUESTER}' ${json} -d '${body}' '${baseUrl}/v1/requests?dryRun=true'`,
    `curl -s -H 'X-Broker-Principal: ${DEMO_REQUESTER}' ${json} -H 'Idempotency-Key: demo-1' -d '${body}' ${baseUrl}/v1/requests`,
    `curl -s -H 'X-Broker-Principal: ${DEMO_APPROVER}' '${baseUrl}/v1/requests?status=PENDING'`,
    `curl -s -H 'X-Broker-Principal: ${DEMO_ADMIN}' ${baseUrl}/v1/allowlist`,
  ];
}

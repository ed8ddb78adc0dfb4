/**
 * Slack request signing (v0): HMAC-SHA256 over `v0:<timestamp>:<raw body>` with the signing secret, compared in
 * constant time; requests more than 5 minutes old or ahead are refused (replays, skewed forgeries).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_MAX_SKEW_SECONDS = 300;

export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export function verifySlackSignature(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  nowSeconds: number;
}): boolean {
  const { secret, timestamp, signature, rawBody, nowSeconds } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp) || !signature.startsWith('v0=')) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) return false;
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

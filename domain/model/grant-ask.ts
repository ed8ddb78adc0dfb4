/** The create-request body after schema validation: what the requester asks for, not yet checked against rules. */

export interface GrantAsk {
  functionName: string;
  qualifier?: string | undefined;
  principal?: string | undefined;
  sourceArn?: string | undefined;
  sourceAccount?: string | undefined;
  principalOrgId?: string | undefined;
  eventSourceArn?: string | undefined;
  batchSize?: number | undefined;
  durationSeconds: number;
  reason: string;
  ticket?: string | undefined;
  /** ISO-8601: when the grant is to start (docs/api.md, A start time); absent: as soon as it is approved. */
  startsAt?: string | undefined;
}

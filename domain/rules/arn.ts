/** ARN parsing: `arn:partition:service:region:account:resource` (the resource may itself contain colons). */

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(value: string): Arn | null {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (!partition || !service || !resource) return null;
  return { partition, service, region, account, resource };
}

export const ACCOUNT_ID = /^\d{12}$/;
export const PARTITION = /^aws(-[a-z]+)*$/;
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

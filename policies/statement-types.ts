/** Statement shapes exactly as AWS stores them (see docs/aws-lambda.md), key order included. */

export type StatementPrincipal = '*' | { Service: string } | { AWS: string };

export interface InvokeStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: StatementPrincipal;
  Action: 'lambda:InvokeFunction';
  Resource: string;
  Condition?: {
    StringEquals?: { 'AWS:SourceAccount'?: string; 'aws:PrincipalOrgID'?: string };
    ArnLike?: { 'AWS:SourceArn': string };
  };
}

/**
 * A statement in the function execution role's broker-owned inline policy (event source grants). `Resource` is the
 * source's ARN, or the source and the KMS key that encrypts it (then `Action` also holds kms:Decrypt).
 */
export interface RoleStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

/**
 * Who is calling (docs/api.md, Who is calling). Deployed: only API Gateway's authenticated `requestContext.identity.userArn`.
 * Local runner with BROKER_IDENTITY=header: the X-Broker-Principal header. Nothing else can set the caller.
 * The ARN becomes the rulebook's one identity (domain/rulebook/identity.ts): sessions of the roles BROKER_PERSON_ROLES
 * names are people, other sessions act as their role.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { UnauthenticatedError } from '../../domain/errors';
import { identityFromArn, type Identity } from '../../domain/rulebook/identity';

export type IdentityMode = 'iam' | 'header';

export function callerOf(
  event: APIGatewayProxyEvent,
  headers: Readonly<Record<string, string>>,
  mode: IdentityMode,
  personRoles: readonly string[],
): Identity {
  const arn = mode === 'header' ? headers['x-broker-principal'] : event.requestContext?.identity?.userArn;
  const caller = typeof arn === 'string' ? identityFromArn(arn, { personRoles }) : null;
  if (!caller) {
    throw new UnauthenticatedError(
      mode === 'header' ? 'X-Broker-Principal must carry an IAM principal ARN' : 'the request carries no IAM identity',
    );
  }
  return caller;
}

/** EventSourceMappingGateway on Lambda's event source mapping API, in the account that owns the function. */
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  paginateListEventSourceMappings,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { GrantRejectedError, MappingExistsError, RoleNotReadyError } from '../../domain/errors';
import type { EventSourceMappingGateway, MappingSpec, MappingState } from '../../domain/ports';
import { functionNameOf } from '../../domain/rules/function-ref';
import { accountOf, type ClientIn } from '../aws/account-clients';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';

/**
 * `name` or `name:qualifier` (ListEventSourceMappings filters on exactly what was used to create); the client already
 * acts in the function's account.
 */
function functionRef(spec: MappingSpec): string {
  const name = functionNameOf(spec.functionName);
  return spec.qualifier ? `${name}:${spec.qualifier}` : name;
}

export class LambdaEventSourceMappingGateway implements EventSourceMappingGateway {
  constructor(private readonly lambdaIn: ClientIn<LambdaClient>) {}

  private lambda(functionArn: string): LambdaClient {
    return this.lambdaIn(accountOf(functionArn));
  }

  async create(spec: MappingSpec): Promise<string> {
    try {
      const { UUID } = await this.lambda(spec.functionName).send(
        new CreateEventSourceMappingCommand({
          FunctionName: functionRef(spec),
          EventSourceArn: spec.eventSourceArn,
          Enabled: true,
          ...(spec.batchSize ? { BatchSize: spec.batchSize } : {}),
          // Streams need a starting position; SQS must not get one.
          ...(spec.eventSourceArn.startsWith('arn:aws:sqs:') ? {} : { StartingPosition: 'LATEST' as const }),
        }),
      );
      if (!UUID) throw new Error('CreateEventSourceMapping returned no UUID');
      return UUID;
    } catch (error) {
      switch (awsErrorName(error)) {
        case 'ResourceConflictException':
          throw new MappingExistsError(undefined, { cause: error });
        case 'InvalidParameterValueException':
          throw new RoleNotReadyError((error as Error).message, { cause: error });
        case 'ResourceNotFoundException':
          throw new GrantRejectedError('the function or event source no longer exists', { cause: error });
        default:
          return translateAwsError(error, 'AWS Lambda');
      }
    }
  }

  async find(spec: MappingSpec): Promise<{ uuid: string; lastModified: string }[]> {
    const found: { uuid: string; lastModified: string }[] = [];
    try {
      const pages = paginateListEventSourceMappings(
        { client: this.lambda(spec.functionName) },
        { FunctionName: functionRef(spec), EventSourceArn: spec.eventSourceArn },
      );
      for await (const page of pages) {
        for (const m of page.EventSourceMappings ?? []) {
          if (m.UUID) found.push({ uuid: m.UUID, lastModified: (m.LastModified ?? new Date(0)).toISOString() });
        }
      }
    } catch (error) {
      return translateAwsError(error, 'AWS Lambda');
    }
    return found;
  }

  async delete(uuid: string, functionArn: string): Promise<'removed' | 'absent'> {
    try {
      await this.lambda(functionArn).send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
      return 'removed';
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return 'absent';
      return translateAwsError(error, 'AWS Lambda');
    }
  }

  async get(uuid: string, functionArn: string): Promise<MappingState | null> {
    try {
      const m = await this.lambda(functionArn).send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return { state: m.State ?? '', eventSourceArn: m.EventSourceArn ?? '', functionArn: m.FunctionArn ?? '' };
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return null;
      return translateAwsError(error, 'AWS Lambda');
    }
  }
}

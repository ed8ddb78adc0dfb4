/**
 * EventSourceMappingGateway on Lambda's event source mapping API, in the account that owns the function. The broker's
 * mappings carry an owner tag from the moment they exist (Tags on CreateEventSourceMapping), and are recognised by it
 * (ListTags), never by their timing.
 */
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListTagsCommand,
  paginateListEventSourceMappings,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { GrantRejectedError, MappingExistsError, RoleNotReadyError } from '../../domain/errors';
import type { EventSourceMappingGateway, FoundMapping, MappingSpec, MappingState } from '../../domain/ports';
import { parseArn } from '../../domain/rules/arn';
import { functionNameOf } from '../../domain/rules/function-ref';
import { accountOf, type ClientIn } from '../aws/account-clients';
import { awsErrorName, translateAwsError } from '../aws/aws-errors';

/** The tag that names the grant request a mapping belongs to. */
export const OWNER_TAG = 'lpb:request';

/**
 * The messages Lambda gives when the execution role cannot read the source: the role's permissions have not
 * propagated yet, or (a source in another account) the source's own policy does not let the role in. Lambda gives
 * every other refusal the same error code (InvalidParameterValueException: a queue visibility timeout shorter than
 * the function timeout, a batch window, …), and those never get better by waiting.
 * SQS: "The provided execution role does not have permissions to call ReceiveMessage on SQS".
 * Kinesis, DynamoDB streams: "Cannot access stream arn:…. Please ensure the role can perform the GetRecords, …".
 */
const ROLE_CANNOT_READ_SOURCE = [/execution role does not have permissions to call/i, /ensure the role can perform/i];

export function roleCannotReadSource(message: string): boolean {
  return ROLE_CANNOT_READ_SOURCE.some((pattern) => pattern.test(message));
}

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

  async create(spec: MappingSpec, owner: string): Promise<string> {
    try {
      const { UUID } = await this.lambda(spec.functionName).send(
        new CreateEventSourceMappingCommand({
          FunctionName: functionRef(spec),
          EventSourceArn: spec.eventSourceArn,
          Enabled: true,
          ...(spec.batchSize ? { BatchSize: spec.batchSize } : {}),
          // Streams need a starting position; SQS must not get one.
          ...(parseArn(spec.eventSourceArn)?.service === 'sqs' ? {} : { StartingPosition: 'LATEST' as const }),
          Tags: { [OWNER_TAG]: owner },
        }),
      );
      if (!UUID) throw new Error('CreateEventSourceMapping returned no UUID');
      return UUID;
    } catch (error) {
      const message = (error as Error).message;
      switch (awsErrorName(error)) {
        case 'ResourceConflictException':
          // A mapping for this function and source exists, or another operation is in progress: the caller looks.
          throw new MappingExistsError(undefined, { cause: error });
        case 'InvalidParameterValueException':
          if (roleCannotReadSource(message)) throw new RoleNotReadyError(message, { cause: error });
          throw new GrantRejectedError(message, { cause: error });
        case 'ResourceNotFoundException':
          throw new GrantRejectedError('the function or event source no longer exists', { cause: error });
        default:
          return translateAwsError(error, 'AWS Lambda');
      }
    }
  }

  async find(spec: MappingSpec): Promise<FoundMapping[]> {
    const found: FoundMapping[] = [];
    try {
      const pages = paginateListEventSourceMappings(
        { client: this.lambda(spec.functionName) },
        { FunctionName: functionRef(spec), EventSourceArn: spec.eventSourceArn },
      );
      for await (const page of pages) {
        for (const m of page.EventSourceMappings ?? []) {
          if (!m.UUID) continue;
          const tags = m.EventSourceMappingArn ? await this.tagsOf(m.EventSourceMappingArn, spec.functionName) : {};
          // Deleted since it was listed: nobody's mapping any more.
          if (tags) found.push({ uuid: m.UUID, owner: tags[OWNER_TAG] ?? null });
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

  /** The mapping's tags; null when it no longer exists. */
  private async tagsOf(mappingArn: string, functionArn: string): Promise<Record<string, string> | null> {
    try {
      return (await this.lambda(functionArn).send(new ListTagsCommand({ Resource: mappingArn }))).Tags ?? {};
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return null;
      throw error;
    }
  }
}

/** AWS's "busy" answers are transient (#12 item 5); Lambda's InvalidParameterValueException is told apart by message. */
import { translateAwsError } from '../../../adapters/aws/aws-errors';
import { roleCannotReadSource } from '../../../adapters/lambda/event-source-mapping-gateway';
import { UnavailableError } from '../../../domain/errors';

const awsError = (name: string, status: number) =>
  Object.assign(new Error(`${name} answered`), { name, $metadata: { httpStatusCode: status } });

describe('busy answers', () => {
  it.each([
    ['ResourceConflictException', 409],
    ['ResourceInUseException', 400],
    ['ConcurrentModification', 409],
    ['ConcurrentModificationException', 409],
  ])('%s is retried after a short pause', (name, status) => {
    const translated = (() => {
      try {
        translateAwsError(awsError(name, status), 'AWS Lambda');
      } catch (error) {
        return error;
      }
      throw new Error('translateAwsError returned');
    })();
    expect(translated).toBeInstanceOf(UnavailableError);
    expect((translated as UnavailableError).retryAfterMs).toBe(2_000);
  });

  it('makes a permanent refusal a GrantRejectedError, never retried', () => {
    const error = awsError('InvalidParameterValueException', 400);
    expect(() => translateAwsError(error, 'AWS Lambda')).toThrow(
      expect.objectContaining({ name: 'GrantRejectedError', retryable: false, code: 'InvalidParameterValueException' }),
    );
  });
});

describe('why Lambda refused a mapping', () => {
  it.each([
    ['The provided execution role does not have permissions to call ReceiveMessage on SQS', true],
    ['The provided execution role does not have permissions to call GetQueueAttributes on SQS', true],
    [
      'Cannot access stream arn:aws:kinesis:us-east-1:123456789012:stream/orders. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListShards Actions on your stream in IAM.',
      true,
    ],
    ['Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds', false],
    ['Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10', false],
    ['Unsupported MaximumRetryAttempts for SQS event source', false],
  ])('"%s" means the role cannot read the source yet: %p', (message, expected) => {
    expect(roleCannotReadSource(message)).toBe(expected);
  });
});

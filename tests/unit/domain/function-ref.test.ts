import { ValidationError } from '../../../domain/errors';
import { parseFunctionRef } from '../../../domain/rules/function-ref';
import { ACCOUNT, fnArn, settings } from '../../support/fixtures';

const parse = (functionName: string, qualifier?: string) => parseFunctionRef({ functionName, qualifier }, settings);

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details[0]?.path;
  }
  return undefined;
}

describe('function reference', () => {
  it.each([
    ['order-processor', null],
    ['order-processor:live', 'live'],
    [`${ACCOUNT}:function:order-processor`, null],
    [`${ACCOUNT}:function:order-processor:7`, '7'],
    [fnArn('order-processor'), null],
    [`${fnArn('order-processor')}:live`, 'live'],
  ])('reads %s', (input, qualifier) => {
    expect(parse(input)).toEqual({ name: 'order-processor', qualifier, functionArn: fnArn('order-processor') });
  });

  it('takes the separate qualifier when it agrees', () => {
    expect(parse('order-processor:live', 'live').qualifier).toBe('live');
    expect(parse('order-processor', '3').qualifier).toBe('3');
  });

  it.each<[string, () => unknown, string]>([
    ['$LATEST in the name', () => parse('order-processor:$LATEST'), 'functionName'],
    ['$LATEST as qualifier', () => parse('order-processor', '$LATEST'), 'qualifier'],
    ['a disagreeing qualifier', () => parse('order-processor:live', 'blue'), 'qualifier'],
    ['another account', () => parse('arn:aws:lambda:us-east-1:987654321098:function:f'), 'functionName'],
    ['another Region', () => parse(`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:f`), 'functionName'],
    ['a partial ARN of another account', () => parse('987654321098:function:f'), 'functionName'],
    ['a wildcard', () => parse('order-*'), 'functionName'],
    ['a name over 64 characters', () => parse('f'.repeat(65)), 'functionName'],
  ])('refuses %s', (_name, run, field) => {
    expect(fieldOf(run)).toBe(field);
  });
});

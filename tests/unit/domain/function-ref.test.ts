import { AccountNotTargetedError, ValidationError } from '../../../domain/errors';
import { parseFunctionRef } from '../../../domain/rules/function-ref';
import { ACCOUNT, REGION, fnArn, settings } from '../../support/fixtures';

const parse = (functionName: string, qualifier?: string) => parseFunctionRef({ functionName, qualifier }, settings);
const SPOKE = '222222222222';
const spokeArn = `arn:aws:lambda:${REGION}:${SPOKE}:function:order-processor`;
const withSpoke = { ...settings, targetAccounts: [ACCOUNT, SPOKE] };

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
    ['another Region', () => parse(`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:f`), 'functionName'],
    ['another partition', () => parse(`arn:aws-cn:lambda:${REGION}:${ACCOUNT}:function:f`), 'functionName'],
    ['a wildcard', () => parse('order-*'), 'functionName'],
    ['a name over 64 characters', () => parse('f'.repeat(65)), 'functionName'],
  ])('refuses %s', (_name, run, field) => {
    expect(fieldOf(run)).toBe(field);
  });
});

describe('function reference in many accounts (docs/deploy.md, Many accounts (hub and spokes))', () => {
  it.each([
    [spokeArn, null],
    [`${spokeArn}:live`, 'live'],
    [`${SPOKE}:function:order-processor`, null],
  ])('reads %s in a target account as a function of that account', (input, qualifier) => {
    expect(parseFunctionRef({ functionName: input }, withSpoke)).toEqual({
      name: 'order-processor',
      qualifier,
      functionArn: spokeArn,
    });
  });

  it.each([
    ['a full ARN', 'arn:aws:lambda:us-east-1:987654321098:function:f'],
    ['a partial ARN', '987654321098:function:f'],
  ])('refuses %s in an account the broker does not act in, naming functionName', (_name, functionName) => {
    const run = () => parseFunctionRef({ functionName }, withSpoke);
    expect(run).toThrow(AccountNotTargetedError);
    expect(run).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path: 'functionName' })] }));
  });

  it('refuses even the broker’s own functions when its account is not a target', () => {
    expect(() =>
      parseFunctionRef({ functionName: 'order-processor' }, { ...settings, targetAccounts: [SPOKE] }),
    ).toThrow(AccountNotTargetedError);
  });

  it('finds bad input before it looks at the account: a malformed qualifier is still a 400', () => {
    expect(() => parseFunctionRef({ functionName: '987654321098:function:f:$LATEST' }, withSpoke)).toThrow(
      ValidationError,
    );
  });
});

import fc from 'fast-check';
import { canonicalHash, canonicalJson } from '../../../domain/rules/canonical-hash';
import { eventSourceReadStatement, iamSid } from '../../../policies/event-source-access';
import { invokeStatement } from '../../../policies/invoke-statement';
import { ACCOUNT, PRINCIPAL_CASES, fnArn } from '../../support/fixtures';

const SID_RULE = /^[A-Za-z0-9_-]{1,100}$/;

describe('invoke statement', () => {
  it.each(PRINCIPAL_CASES.map((c) => [c.name, c] as const))('has the form AWS stores for %s', (_name, c) => {
    const ask = c.ask as { principal: string; sourceArn?: string; sourceAccount?: string; principalOrgId?: string };
    const statement = invokeStatement({
      sid: 'lpb-1',
      functionArn: fnArn('order-processor'),
      qualifier: null,
      principal: ask.principal,
      sourceArn: ask.sourceArn ?? null,
      sourceAccount: ask.sourceAccount ?? null,
      principalOrgId: ask.principalOrgId ?? null,
    });
    const expected = {
      Sid: 'lpb-1',
      Effect: 'Allow',
      Principal: c.principal,
      Action: 'lambda:InvokeFunction',
      Resource: fnArn('order-processor'),
      ...(c.condition ? { Condition: c.condition } : {}),
    };
    // Byte-exact, key order included: the policy size budget is measured on this JSON.
    expect(JSON.stringify(statement)).toBe(JSON.stringify(expected));
  });

  it('merges SourceAccount and PrincipalOrgID into one StringEquals and qualifies the resource', () => {
    const statement = invokeStatement({
      sid: 'lpb-2',
      functionArn: fnArn('f'),
      qualifier: 'live',
      principal: '*',
      sourceArn: null,
      sourceAccount: ACCOUNT,
      principalOrgId: 'o-abcdefghij',
    });
    expect(statement.Resource).toBe(`${fnArn('f')}:live`);
    expect(statement.Condition).toEqual({
      StringEquals: { 'AWS:SourceAccount': ACCOUNT, 'aws:PrincipalOrgID': 'o-abcdefghij' },
    });
  });

  it('keeps any broker Sid within Lambda’s statement id rule', () => {
    const prefix = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
    fc.assert(
      fc.property(prefix, fc.uuid(), (p, id) => {
        const sid = invokeStatement({
          sid: `${p}${id}`,
          functionArn: fnArn('f'),
          qualifier: null,
          principal: ACCOUNT,
          sourceArn: null,
          sourceAccount: null,
          principalOrgId: null,
        }).Sid;
        expect(sid).toMatch(SID_RULE);
        expect(sid.startsWith(p)).toBe(true);
      }),
    );
  });
});

describe('event source read statement', () => {
  it('grants the SQS read actions on the queue only, with an IAM-valid Sid', () => {
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:order-queue`;
    expect(eventSourceReadStatement('lpb-abc-1', 'sqs', queue)).toEqual({
      Sid: 'lpbabc1',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: queue,
    });
  });

  it('produces only alphanumeric IAM Sids', () => {
    fc.assert(fc.property(fc.string(), (s) => expect(iamSid(s)).toMatch(/^[A-Za-z0-9]*$/)));
  });
});

describe('canonical hash', () => {
  it('ignores key order at every level', () => {
    const value = fc.dictionary(fc.string(), fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())));
    fc.assert(
      fc.property(value, (v) => {
        const reversed = Object.fromEntries(
          Object.entries(v)
            .reverse()
            .map(([k, inner]) => [k, Object.fromEntries(Object.entries(inner).reverse())]),
        );
        expect(canonicalHash(reversed)).toBe(canonicalHash(v));
      }),
    );
  });

  it('changes when any value changes', () => {
    expect(canonicalHash({ a: { b: 'x' } })).not.toBe(canonicalHash({ a: { b: 'y' } }));
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
  });
});

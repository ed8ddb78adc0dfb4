/**
 * AccessAnalyzerPolicyAnalyzer against a fake IAM Access Analyzer on 127.0.0.1 that speaks the service's own protocol
 * (restJson1), through a real AccessAnalyzerClient.
 *
 * Where the shapes come from: the IAM Access Analyzer API Reference, pages "ValidatePolicy" (POST /policy/validation,
 * maxResults and nextToken in the query string, body {locale, policyDocument, policyType, validatePolicyResourceType};
 * answer {findings, nextToken}), "ValidatePolicyFinding" (findingDetails, findingType ERROR | SECURITY_WARNING |
 * SUGGESTION | WARNING, issueCode, learnMoreLink, locations: all required), "CheckNoPublicAccess"
 * (POST /policy/check-no-public-access, body {policyDocument, resourceType}; answer {result PASS | FAIL, message,
 * reasons: [{description, statementId, statementIndex}]}). The errors (AccessDeniedException 403, ThrottlingException
 * 429 with Retry-After, InternalServerException 500, ValidationException 400), the paths and where nextToken goes are
 * also in @aws-sdk/client-accessanalyzer's model (dist-cjs/index.js); errors are named in the x-amzn-ErrorType header.
 */
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { AccessAnalyzerPolicyAnalyzer } from '../../adapters/access-analyzer/access-analyzer-policy-analyzer';
import { UnavailableError } from '../../domain/errors';
import { FakeAccessAnalyzer, PUBLIC_CHECK, VALIDATION } from '../support/fake-access-analyzer';

const finding = (findingType: string, issueCode: string, findingDetails: string) => ({
  findingDetails,
  findingType,
  issueCode,
  learnMoreLink: `https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#${issueCode}`,
  locations: [
    {
      path: [{ value: 'Statement' }, { index: 0 }, { value: 'Action' }],
      span: { start: { line: 1, column: 60, offset: 60 }, end: { line: 1, column: 80, offset: 80 } },
    },
  ],
});

/** Odd spacing, key order and a non-ASCII Sid: any re-serialization on the way would change it. */
const POLICY =
  '{"Version": "2012-10-17",  "Statement":[{"Sid":"lpb-ä1","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},' +
  '"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:f"}]}';

const fake = new FakeAccessAnalyzer();
let analyzer: AccessAnalyzerPolicyAnalyzer;

beforeAll(async () => {
  await fake.start();
  const client = new AccessAnalyzerClient({
    endpoint: fake.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    maxAttempts: 1,
  });
  analyzer = new AccessAnalyzerPolicyAnalyzer(client);
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => fake.reset());

describe('AccessAnalyzerPolicyAnalyzer (fake Access Analyzer over HTTP)', () => {
  it('finds nothing in a clean policy', async () => {
    await expect(analyzer.findings(POLICY)).resolves.toEqual([]);
    expect(fake.sent(VALIDATION)).toHaveLength(1);
    expect(fake.sent(PUBLIC_CHECK)).toHaveLength(1);
  });

  it('sends the policy document exactly, as a RESOURCE_POLICY, checked for Lambda public access', async () => {
    await analyzer.findings(POLICY);
    expect(fake.sent(VALIDATION).map((r) => r.body)).toEqual([
      { policyDocument: POLICY, policyType: 'RESOURCE_POLICY' },
    ]);
    expect(fake.sent(PUBLIC_CHECK).map((r) => r.body)).toEqual([
      { policyDocument: POLICY, resourceType: 'AWS::Lambda::Function' },
    ]);
  });

  it('reports a public policy as one PUBLIC_ACCESS finding with the reasons', async () => {
    fake.publicAnswer = {
      result: 'FAIL',
      message: 'The resource policy grants public access for the given resource type.',
      reasons: [
        {
          description: 'Public access granted in the following statement with sid: open.',
          statementIndex: 0,
          statementId: 'open',
        },
      ],
    };
    const found = await analyzer.findings(POLICY);
    expect(found).toEqual([{ type: 'PUBLIC_ACCESS', code: 'PUBLIC_ACCESS', message: expect.any(String) }]);
    expect(found[0]?.message).toContain('grants public access for the given resource type');
    expect(found[0]?.message).toContain('Public access granted in the following statement with sid: open.');
  });

  it.each([
    ['ERROR', 'INVALID_ACTION', 'The action lambda:InvokeFunctionx does not exist.'],
    [
      'SECURITY_WARNING',
      'MISSING_SOURCE_ARN_OR_ACCOUNT',
      'Add aws:SourceArn or aws:SourceAccount to limit the principal.',
    ],
    ['SUGGESTION', 'EMPTY_ARRAY_CONDITION', 'The condition key has an empty array of values.'],
    ['WARNING', 'MISSING_VERSION', 'Specify a Version element.'],
  ])('reports %s findings with their issue code and details', async (type, code, details) => {
    fake.pages = [[finding(type, code, details)]];
    await expect(analyzer.findings(POLICY)).resolves.toEqual([{ type, code, message: details }]);
  });

  it('counts a finding type it does not know as an ERROR', async () => {
    fake.pages = [[finding('CRITICAL', 'SOMETHING_NEW', 'a kind AWS added later')]];
    await expect(analyzer.findings(POLICY)).resolves.toEqual([
      { type: 'ERROR', code: 'SOMETHING_NEW', message: 'a kind AWS added later' },
    ]);
  });

  it('follows nextToken through every page of findings', async () => {
    fake.pages = [
      [finding('ERROR', 'INVALID_ACTION', 'first page')],
      [
        finding('WARNING', 'MISSING_VERSION', 'second page'),
        finding('SUGGESTION', 'EMPTY_ARRAY_CONDITION', 'also second'),
      ],
    ];
    const found = await analyzer.findings(POLICY);
    expect(found.map((f) => f.message)).toEqual(['first page', 'second page', 'also second']);
    const tokens = fake.sent(VALIDATION).map((r) => r.query.get('nextToken'));
    expect(tokens).toEqual([null, 'page-1']);
    // Every page is asked for with the same document.
    expect(fake.sent(VALIDATION).map((r) => r.body.policyDocument)).toEqual([POLICY, POLICY]);
  });

  it('puts findings of both checks together', async () => {
    fake.pages = [[finding('SECURITY_WARNING', 'MISSING_SOURCE_ARN_OR_ACCOUNT', 'confused deputy')]];
    fake.publicAnswer = { result: 'FAIL', message: 'public', reasons: [] };
    const found = await analyzer.findings(POLICY);
    expect(found.map((f) => f.type).sort()).toEqual(['PUBLIC_ACCESS', 'SECURITY_WARNING']);
  });

  it('is unavailable when Access Analyzer throttles or fails', async () => {
    fake.failures.set(VALIDATION, { status: 429, type: 'ThrottlingException', message: 'Rate exceeded' });
    const throttled = await analyzer.findings(POLICY).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(UnavailableError);
    expect((throttled as Error).message).toMatch(/ThrottlingException, HTTP 429/);

    fake.failures.set(PUBLIC_CHECK, { status: 500, type: 'InternalServerException', message: 'Internal error' });
    const failed = await analyzer.findings(POLICY).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(UnavailableError);
    expect((failed as Error).message).toMatch(/InternalServerException, HTTP 500/);
  });

  it('is unavailable, saying it cannot vet the policy, when Access Analyzer refuses', async () => {
    fake.failures.set(PUBLIC_CHECK, {
      status: 403,
      type: 'AccessDeniedException',
      message:
        'User: arn:aws:sts::111122223333:assumed-role/broker/x is not authorized to perform: access-analyzer:CheckNoPublicAccess',
    });
    const denied = await analyzer.findings(POLICY).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(UnavailableError);
    expect((denied as Error).message).toMatch(/refused the check \(AccessDeniedException\).*cannot vet the policy/);

    fake.failures.set(VALIDATION, { status: 400, type: 'ValidationException', message: 'policyDocument is too long' });
    const invalid = await analyzer.findings(POLICY).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(UnavailableError);
    expect((invalid as Error).message).toMatch(/refused the check \(ValidationException\).*cannot vet the policy/);
  });

  it('never takes an answer without PASS or FAIL for a pass', async () => {
    fake.publicAnswer = { message: 'no verdict' };
    await expect(analyzer.findings(POLICY)).rejects.toBeInstanceOf(UnavailableError);
  });
});
